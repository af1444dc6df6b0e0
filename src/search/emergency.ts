/** The step with the emergency numbers, shown first when a message sounds like an emergency. */
export const EMERGENCY_STEP = "where.crisis";
