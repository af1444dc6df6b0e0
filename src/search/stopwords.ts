/**
 * Function words that carry no meaning for finding an answer, per language. Kept short on purpose:
 * words such as "allein", "Geld", "Arbeit", "Mann" or "kein" may be what a parent asks about.
 */
const lists: Record<string, string> = {
  de: `der die das den dem des ein eine einen einem einer eines und oder aber auch doch noch schon
    nur ich du er sie es wir ihr mich dich mir dir uns euch mein meine meinen meinem meiner dein
    deine deinen deinem deiner sein seine ihre ihren ist bin bist sind war waren wird werden wurde
    hat habe hast haben hatte kann kannst können muss musst müssen soll sollte will willst möchte
    möchten gibt es was wer wie wo wann warum wieso weshalb welche welcher welches ob dass wenn
    weil als mit von zu zum zur für auf an in im ins am bei aus nach über unter vor um bis durch
    so da dann denn hier dort sehr mal bitte hallo hi guten tag danke ja nein gerne man mehr etwas
    jetzt schon immer nicht nichts nich nen nem ne beim vom ab gibts is isses hab fur krieg kriege
    mach mache machen grad gerade halt eh`,
  en: `the a an and or but also only i you he she it we they me him her us them my your his its our
    their is am are was were be been being do does did have has had can could will would shall
    should may might must what who how where when why which whether that this these those if
    because as with of to for on at in into from by about over under than then there here so very
    please hi hello thanks yes no get got any some there's i'm don't can't what's whats im dont
    cant pls plz u ur isn't isnt hasn't hasnt doesn't doesnt didn't didnt won't wont haven't
    aren't wasn't`,
  uk: `і й та а але або чи що як де коли чому хто який яка яке які це цей ця ці той та то ж же б би
    я ти він вона воно ми ви вони мене тебе мені тобі нас вас мій моя моє мої твій твоя твоє твої
    є був була було були буде бути в у на з із до від для про по за під над при через без
    так там тут дуже будь ласка привіт дякую так ні треба можна мені якась якийсь якесь якісь якщо
    потрібно`,
  ru: `и а но или что как где когда почему кто какой какая какое какие это этот эта эти тот та то
    же бы ли я ты он она оно мы вы они меня тебя мне тебе нас вас мой моя моё мои твой твоя твоё
    твои есть был была было были будет быть в во на с со из до от для про по за под над при через
    без так там тут очень пожалуйста привет спасибо да нет надо можно если нужен нужна нужно
    какой-то какая-то`,
  ar: `في من على إلى الى عن مع هل ما ماذا كيف أين اين متى لماذا من هو هي هم انا أنا انت أنت نحن هذا
    هذه ذلك تلك التي الذي و او أو ثم لكن لا لم لن قد كان كانت يكون اي أي كل بعض عند لي لك له لها
    يا مرحبا شكرا نعم ممكن بدي بدّي عم شو ليش وين بس كتير هيك لازم شي هاد هاي يعني ولا كمان هلق رح
    اللي حدا مين شلون اكو ماكو هسه وياي عشان لان بدو بدها الو وانا وشو`,
  tr: `ve veya ile ama fakat de da mi mı mu mü ne neden nasıl nerede nereye kim hangi bu şu o bir
    ben sen biz siz onlar benim senin bizim için gibi kadar daha çok az var yok mı mıdır olarak
    olan oldu olur ise ki şey merhaba selam teşekkürler evet hayır lütfen acaba icin nasil cok
    nedir bunun sey tesekkurler lutfen musun misin miyim mıyım ya`,
  fa: `و یا به از در با برای که این آن را تا هم اما یک من تو او ما شما آنها است هست نیست بود
    شد می چه چرا کجا کی چطور چگونه آیا هر همه خیلی سلام ممنون مرسی بله نه لطفا رو اگه میخوام
    میخواهم میشه یه دیگه الان چیه داره دارم میده میدن کسی چی کدوم chie koja chand chetori mikham
    mishe konam man be`,
};

export const STOPWORDS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries(lists).map(([lang, words]) => [lang, new Set(words.split(/\s+/).filter(Boolean))]),
);
