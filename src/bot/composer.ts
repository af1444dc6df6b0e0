/**
 * grammY's `Composer`, run directly. grammY builds `filter` (and with it `on`, `command`,
 * `callbackQuery`, `chatType` …) from `branch` and `lazy`, which make a new composer and several
 * promises for every update at every filter it passes, matching or not; and it chains middleware
 * with an async wrapper per link. A parent's update passes about thirty links, so this was a fifth
 * of all the memory the bot allocated per update, and with it much of the garbage collector's
 * pauses. Here a composer keeps its middleware in a list and calls it in order; a filter calls its
 * predicate and nothing else. Matching, types and the `next` contract are grammY's.
 */
import {
  Composer,
  type Context,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type NextFunction,
} from "grammy";

type MaybePromise<T> = T | Promise<T>;

const settled: Promise<void> = Promise.resolve();
const done: NextFunction = () => settled;

function toFunction<C extends Context>(middleware: Middleware<C>): MiddlewareFn<C> {
  if (typeof middleware === "function") return middleware;
  const object: MiddlewareObj<C> = middleware;
  // Asked per update: more handlers may be added to a composer after it was used.
  return (ctx, next) => object.middleware()(ctx, next);
}

/**
 * Calls `stack[index]` with a `next` that goes on with the rest of the stack, then `next`. Not an
 * async function: a link costs its `next` closure, not a promise and an await of its own; the
 * middleware's promise is passed on as it is.
 */
function dispatch<C extends Context>(
  stack: readonly MiddlewareFn<C>[],
  index: number,
  ctx: C,
  next: NextFunction,
): Promise<void> {
  if (index === stack.length) return next();
  let called = false;
  let result: unknown;
  try {
    result = stack[index]!(ctx, () => {
      if (called) throw new Error("`next` already called before!");
      called = true;
      return dispatch(stack, index + 1, ctx, next);
    });
  } catch (error) {
    return Promise.reject(error as Error);
  }
  if (result instanceof Promise) return result as Promise<void>;
  const thenable = typeof (result as PromiseLike<unknown> | undefined)?.then === "function";
  return thenable ? (Promise.resolve(result) as Promise<void>) : settled;
}

export class DirectComposer<C extends Context> extends Composer<C> {
  private readonly stack: MiddlewareFn<C>[];
  private readonly run: MiddlewareFn<C>;

  constructor(...middleware: Array<Middleware<C>>) {
    super();
    const stack = middleware.map(toFunction);
    this.stack = stack;
    this.run = (ctx, next = done) => dispatch(stack, 0, ctx, next);
  }

  override middleware(): MiddlewareFn<C> {
    return this.run;
  }

  override use(...middleware: Array<Middleware<C>>): Composer<C> {
    const composer = new DirectComposer<C>(...middleware);
    this.stack.push(composer.middleware());
    return composer;
  }

  override filter<D extends C>(
    predicate: (ctx: C) => ctx is D,
    ...middleware: Array<Middleware<D>>
  ): Composer<D>;
  override filter(
    predicate: (ctx: C) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<C>>
  ): Composer<C>;
  override filter(
    predicate: (ctx: C) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<C>>
  ): Composer<C> {
    const composer = new DirectComposer<C>(...middleware);
    const handler = composer.middleware();
    this.stack.push((ctx, next) => {
      const matches = predicate(ctx);
      if (typeof matches === "boolean") return matches ? handler(ctx, next) : next();
      return matches.then((yes) => (yes ? handler(ctx, next) : next()));
    });
    return composer;
  }
}
