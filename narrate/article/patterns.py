"""The shapes of page furniture and of the article's own parts, as patterns and small predicates.

Bylines, date lines, credits, calls to action, headlines and names: what the cleaner (`clean`) and the
article finder for copied text (`copied_text`) recognise a block by. Plain functions over strings, so
each can be tried alone.
"""

from __future__ import annotations

import re
import unicodedata

# Lines that are page furniture wherever they appear; matched against the whole line.
# An icon font's ligature copied as text: "chevron_left", "keyboard_arrow_down", "more_vert".
_ICON = (r"((keyboard_)?(arrow|chevron|navigate|expand)_(left|right|up|down|back|forward|before|next|more|less)"
         r"(_ios)?|more_(vert|horiz)|open_in_new|play_arrow|play_circle(_outline)?)")
ICON_NAME = re.compile(rf"\b{_ICON}\b")
FURNITURE = re.compile(r"""^[|•·]?\s*(
    skip\ to\ (main\ )?(content|navigation)|view\ (featured\ )?image|jump\ to\ .{0,30}|
    (main\ )?menu|search|close|home|toggle\ navigation|
    share(\ (this|the))?(\ (story|article|post|page))?(\ (on|via)\ \w+)?|tweet|pin\ it|e-?mail|print|
    (facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|instagram|flipboard|copy\ link)(\ ?/?\ ?(facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email))*|
    ((share|tweet|pin(\ it)?|e-?mail|print|save|facebook|twitter|linkedin|whatsapp|reddit|flipboard)\ ?){2,8}|
    (follow|like)\ us(\ on\ .{0,30})?|
    advertisement|advert|ad|sponsored(\ content)?|promoted|story\ continues(\ below)?(\ advertisement)?|
    continue\ reading(\ below)?|read\ more|see\ more|show\ more|load\ more|more\ stories|more\ from\ .{0,40}|
    related(\ (articles?|stories|posts|content|coverage|reading|topics))?|recommended(\ (for\ you|stories|reading))?|
    (most\ )?(popular|read|viewed|shared)(\ (stories|articles|now))?|trending(\ now)?|you\ may\ also\ like|
    (leave\ a\ )?comments?|(new,\ )?\d+\ comments?|log\ ?in|sign\ ?in|sign\ ?up|register|subscribe(\ now)?|
    listen(\ to\ (this|the)\ (article|story))?|\d+\ min(ute)?s?\ read|
    (back\ to\ )?top|previous(\ (article|post))?|next(\ (article|post))?|
    filed\ (to|under):?.{0,60}|tags?:.{0,250}|topics?:.{0,250}|categor(y|ies):.{0,250}|
    (word\ ?count|reading\ time|read\ time):?\ \d[\d,]*(\ (words?|min(ute)?s?))?|
    about\ the\ author|(view|see)\ (the\ )?author('s)?\ (archive|page|profile)|e-?mail\ the\ author|
    (get\ )?(the\ )?author\ rss(\ feed)?|
    (also|see\ also):\ see\ .{0,100}|(reader|user)\ comments|\d+\ with\ \d+\ posters\ participating|
    view\ this\ (image|video|photo|gallery)(\ ›)?|view\ (full\ )?profile|(share\ )?all\ sharing\ options(\ for:.{0,200})?|
    (show|hide)\ more\ sharing\ options|in\ this\ (article|story):.{0,200}|get\ (more\ )?news\ ?on(\ .{0,30})?|
    .{0,80}\bsee\ (the\ )?full\ gallery|\d+\ ?-\ ?\d+\ of\ \d+|
    (image|photo|picture|slide)\ \d+\ of\ (/\ )?\d+|
    learn\ more|see\ all|view\ all|(view|show|hide)\ comments|back\ to\ (the\ )?gallery|thanks\ for\ watching!?|
    # a box's label or button
    videos?|photos?|gallery|audio|print\ this\ (article|story|page)|
    skip\ ad(vertisement)?|ad\ feedback|report\ an?\ (error|typo|correction)|contact\ us|about\ us|site\ ?map|
    save(\ (article|story|for\ later))?|gift\ (this\ )?article|share\ full\ article|supported\ by|enlarge\ this\ image|
    (toggle|hide|show)\ caption|opens\ in\ (a\ )?new\ (window|tab)|link\ copied!?|newsletters?|
    thanks\ for\ signing\ up!?|already\ a\ (subscriber|member)\?.{0,20}|watch\ live|show\ transcript|
    \d{1,3}\ of\ \d{1,3}|advertisement\s*[-–—:]?\s*(the\ )?(story|article)\ continues(\ below)?|
    video\ ?\d{1,2}:\d{2}.{0,150}|  # a video strip: "VIDEO2:1502:15 Title"
    # a page's buttons and notices: the account, comments, player and privacy controls
    (sign|log)\ ?in\ to\ comment|(sign|log)\ ?out|log\ ?in\ or\ register|sign\ up\ for\ free|create\ a\ free\ account|
    follow|unfollow|open\ in\ (the\ )?app|share\ this:?|like\ this:?|email\ this\ (story|article)|copy\ url|
    reuse\ this\ content|read\ full\ (article|story)|show\ all|expand|collapse|click\ to\ (expand|enlarge)|
    watch\ next|now\ playing|loading(\ video)?(\.\.\.|…)?|please\ enable\ javascript.{0,60}|
    sorry,?\ the\ video\ player\ failed\ to\ load\.?|this\ article\ is\ more\ than\ \d+\ (years?|months?)\ old|
    advertise(\ with\ us)?|do\ not\ sell\ (or\ share\ )?my\ personal\ info(rmation)?|your\ privacy\ choices|
    privacy\ (notice|settings)|accessibility(\ statement)?|careers|terms\ (&|and)\ conditions|subscriber\ exclusive|
    (sponsored|presented|brought\ to\ you)\ by\ .{1,40}|in\ partnership\ with\ .{1,40}|paid\ (post|partnership|content)|
    # a blog's comment form and sharing buttons, as the commonest blogging software writes them
    required\ fields\ are\ marked\ \*?|(name|e-?mail|website)\ \*|post\ comment|cancel\ reply|submit|rate\ this:?|
    save\ my\ name,?\ e-?mail,?\ and\ website\b.{0,80}|notify\ me\ of\ (new|follow-up)\ (posts|comments)\b.{0,40}|
    this\ site\ uses\ akismet\ to\ reduce\ spam\b.{0,80}|please\ (log|sign)\ ?in\ to\ comment\.?|
    click\ to\ (share|email|print)\b.{0,80}|like\ loading(\.\.\.|…)?|be\ the\ first\ to\ like\ this\.?|
    # a quote box's small print
    (market|mutual\ fund|stock|quote|index)\b.{0,40}\bdata\ (is\ )?provided\ by\b.{0,150}|
    .{0,80}\b(data|quotes?|prices?)\ (is\ |are\ )?delayed\ (by\ )?(at\ least\ )?\d+\ min(ute)?s\b.{0,80}|
    # advertising, sharing, following, subscribing and "read more" in pt, es, fr, de, it, ru
    publicidade|publicidad|publicité|anzeige|werbung|pubblicità|реклама|continua\ após\ a\ publicidade|
    compartilhe|compartilhar|compartir|partager|teilen|condividi|поделиться|
    (siga-nos|síguenos|suivez-nous|folgen\ sie\ uns|seguici|подписывайтесь)(\ (no|na|nas|en|sur|auf|su|на)\ .{0,30})?|
    assine(\ já)?|suscríbete|abonnez-vous|abonnieren|iscriviti|подписаться|
    leia\ mais|ver\ más|voir\ plus|mehr\ lesen|weiterlesen|leggi\ (di\ )?più|читать\ далее|подробнее|
    (image|media|video)\ (caption|copyright\b.{0,60})|read\ more\ about\ sharing\.?|
    (image|media|video)\ copyright\b.{0,60}?\ (image|media|video)\ caption\b.{0,300}|  # credit and caption, one line
    these\ are\ external\ links\ and\ will\ open\ in\ a\ new\ window\b.{0,300}|
    (media\ )?playback\ is\ (not\ supported|unsupported)\ on\ (your|this)\ (device|browser)|
    your\ browser\ does\ not\ support\ (the\ )?(video|audio)(\ (tag|element|player))?\.?|
    like\ this\ (story|article|post)\??|(like\ this\ (story|article|post)\?\ )?share\ (it|this)\ with\ (a\ )?friends?!?|
    (copyright\ ?)?[©ⓒ]\ ?.{0,60}|copyright\ (\(c\)\ )?\d{4}.{0,60}|
    \S+@\S+\.[a-z]{2,}|(https?://)?(www\.)?(twitter|x|instagram|facebook|linkedin|threads)\.(com|net)/[\w.]+/?|
    @[\w.]{2,30}|  # a handle alone: an author's or an embedded post's label, never a sentence
    (?-i:([A-ZÀ-Þ][^>›»\n]{0,30}\ [>›»]\ ){1,6}[A-ZÀ-Þ][^>›»\n]{0,40})|  # a breadcrumb trail: "Blog > Nutrition"
    {icon}(\ [^\ ]+){0,5}|  # an icon font's name copied as text: "chevron_left Browse All Posts"
    [•·|\-–—*]+|\d+(\.\d+)?[km]?
)$""".replace("{icon}", _ICON), re.IGNORECASE | re.VERBOSE)
# The job under an author's name: "Staff Writer", "Senior Contributor".
JOB_WORD = re.compile(r"^(editor|writer|reporter|correspondent|contributor|columnist|producer|critic|photographer)s?$",
                      re.IGNORECASE)
# Words before a job title that are part of it: "Senior Games Editor", "Staff Writer".
JOB_PREFIX = re.compile(r"^(staff|senior|contributing|executive|managing|deputy|associate|chief|games|tech|news|"
                        r"politics|sports|science|health|business|features|opinion|culture|music)$", re.IGNORECASE)
# "Ann Lee", "Mark di Stefano", "Richard (R.J.) Eskow": two to four capitalised words.
CAPITAL = "A-ZÀ-ÖØ-ÞА-ЯЁ"  # a capital letter of the Latin or Cyrillic script
NAME = rf"\(?[{CAPITAL}][\w.'’-]+\)?(\s((de|di|da|van|von|der|le|la|du|del|bin|al|el)\s)?\(?[{CAPITAL}][\w.'’-]+\)?){{1,3}}"
# "By", "Posted by", and the labels before an author's name: "BY:", "Text:", "Текст:", "Autor:"
BYLINE_WORDS = r"(?i:(by|posted by|words by|written by|story by|reporting by):?|(author|text|words|autor|auteur|texto|testo|texte|текст|автор):)"
BYLINE_PREFIX = rf"^[|•·]?\s*{BYLINE_WORDS}\s+"
BYLINE_LABEL = re.compile(BYLINE_WORDS)  # alone on its line, the name under it
MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"  # a month, named in full or short
WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
# "By Ann Lee", and "By Ann Lee On 11/13/19 at 4:00 PM EST", "By R. Lawler, 2h ago": a byline may carry its date.
BYLINE_DATE = r"(,\s|\s(?i:on|at|updated|published)\s|\s[|•·–—-]+\s|[|•·])\s?.{0,50}\d.{0,60}$"
BYLINE_HANDLE = r",?\s*@\w+"  # "By Devindra Hardawar @devindra"
# Names only, each of capitalised words (or one word: "By Reuters"), so "By then, nobody cared." is no byline.
BYLINE_NAMES = rf"(?P<names>({NAME}|[{CAPITAL}][\w.'’-]+)((,|\s(and|&))?\s+({NAME}|\(?[{CAPITAL}][\w.'’-]+\)?)){{0,5}})"
BYLINE = re.compile(BYLINE_PREFIX + BYLINE_NAMES + "(" + BYLINE_HANDLE + r"(\s.{0,50}\d.{0,60})?)?("
                    + BYLINE_DATE + rf"|(\s|(?<=[a-z]))(?=(?i:{MONTH}|{WEEKDAY})\.?,? .{{0,40}}\d{{4}}.{{0,30}}$)|,?\s*$)")
# ...the last one: "By Laura June Topolsky July 10, 2015", "by Jeff FoustMonday, November 18, 2019"
DATELINE = re.compile(
    # "Dan Goodin - Apr 16, 2015 8:02 pm UTC", or glued: "Yahoo FinanceOctober 13, 2016": a source before the date
    # or "Sarah Gooding March 9, 2017": a person's name right before it
    r"^[|•·]?\s*([A-Z][\w.'’ -]{1,40}(\s[-–—|•]\s|(?-i:(?<=[a-z])(?=[A-Z])))|(?-i:[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3}) |"
    r"[^\W\d_][\w ]{0,25}\s?:\s?[\[(]?\s?)?"  # a label in any language: "기사입력 :[ 2018-08-25 15:24 ]"
    r"((published|updated|posted|last updated)( on)?:?\s.{0,50}|"
    rf"({WEEKDAY}|yesterday|today)\s+\d{{1,2}}:\d{{2}}\s*[ap]\.?m\.?|"
    r"\d{1,2}:\d{2}\s*[ap]\.?m\.?(\s+\w{2,4})?"
    rf"(,\s*({WEEKDAY},?\s+)?{MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}})?|"  # "4:00 am CST, Wednesday, November 20, 2019"
    rf"({WEEKDAY},?\s+)?{MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}"
    # a time (and the same time in another zone), or a bare count of comments: "March 9, 2017 13"
    r"(,?\s+\d{1,2}:\d{2}.{0,12}(\s*\([^()]{0,20}\))?|\s+\d{1,4}|\s*(updated|last modified):?\s.{0,40})?|"
    # "Mon 18 Nov 2019 18.54 GMT Last modified on Mon 18 Nov 2019 18.56 GMT"
    rf"({WEEKDAY},?\s+)?\d{{1,2}}\s+{MONTH}\.?,?\s+\d{{4}}"
    r"(,?\s+\d{1,2}[:.]\d{2}(\s?[ap]\.?m\.?)?(,?\s+[A-Z]{2,4})?)?(\s+last (modified|updated)( on)?\s.{0,40})?|"
    r"\d{4}-\d{2}-\d{2}(\s+\d{1,2}:\d{2})?|"
    r"\d{1,2}\.?\s+[^\W\d_]{3,12}\.?,?\s+\d{4}(,?\s+\d{1,2}[:.]\d{2})?|"  # in any language: "02 Ago 2017", "11 октября 2018"
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}(\s+in\s+[\w &]{1,30})?|"  # "11.03.17 in Gadgetry"
    r"(updated\s)?\d{1,2}\s?(h|m|d|mins?|hrs?|hours?|days?|weeks?)(\sago)?)"  # "8h", "updated 15M ago"
    # "November 20, 2019 / 1:07 AM / CBS News": a date with its time and source after slashes or bars,
    # or "November 18, 2019 -- 19:14 GMT": a time after a dash
    r"(\s*[/|·•]\s*[^/|·•]{1,40}){0,3}(\s+(--?|–|—)\s+\d{1,2}:\d{2}.{0,30})?\s?[\])]?$",
    re.IGNORECASE)
CREDIT = re.compile(
    r"(^(photo|photograph|image|illustration|graphic|video|picture)s?\s*(:|by\b|credit)|"
    r"^(foto|fotografia|imagem|imagen|bild|фото|crédito|credito|crédits?|fonte|fuente|quelle|источник)s?\s*:\s*\S|"
    r"^(credit|source|courtesy)\s*(:|\.{2,}|…)|getty images|\bличный архив\b|\bap photo\b|shutterstock|"
    r"\(reuters\)|\bphoto:|"
    r"/\s*(getty|afp|reuters|ap|epa)\b|\bvia getty\b|\((photo )?credit:|\bvia (ap|afp|reuters|getty images)\)?$|"
    r"^via [\w-]+\.[a-z]{2,}$|\|\s*source:)",
    re.IGNORECASE)
# Phrases that ask something of the reader; an article's own sentences almost never use them.
CALL_TO_ACTION = re.compile(  # whole words only: "your digestive tract" is no "our digest"
    r"\b(sign[ -]?up (for|to)\b.{0,40}\b(newsletter|digest|e-?mails?|updates|list|alerts)|"
    r"subscribe (to|for)\b.{0,30}\b(newsletter|digest|channel|podcast|mailing|updates|youtube)|"
    r"enter your e-?mail|your e-?mail address|(delivered|straight|directly|right) (to|in) your inbox|"
    r"(updates|news|newsletter) in your inbox|"
    r"donate (now|today|here)|keep independent (media|journalism) alive|"
    r"we use cookies|accept (all )?cookies|consent to (our|the) use of cookies|(click|tap) here to|download our app|"
    # the cookie notice in the other languages of the web's larger press: it, es, pt, fr, de, nl, ru
    r"(utilizziamo|usiamo|utilizamos|usamos|utilisons|utilise|verwenden|nutzen|gebruiken|используем)\b.{0,30}\bcookies?|"
    r"receba (as )?(notícias|novidades)|inscreva-se (na|em) (nossa )?newsletter|suscríbete a|abonnez-vous à|"
    r"abonnieren sie (unseren|den) newsletter|iscriviti alla (nostra )?newsletter|подпишитесь на|"
    r"check out more (articles|stories|news)|(tell|let) us (know )?what you think|(take|taking) (our|this|the) survey|"
    r"^contact\b.{0,60}\bat \S+@\S+|"
    r"views (and|or) opinions expressed|(are|is) (solely )?(those|the opinions?) of the author|"
    r"moderat\w+ (all )?comments|comments (are|have been) (closed|moderated)|"
    r"^follow\b.{0,40}\bon ?(instagram|facebook|twitter|youtube|tiktok|threads)\b|listen back here|"
    r"^follow \S+ (full )?coverage of\b|successfully subscribed|problem subscribing|double.check your e-?mail|"
    r"(got|have) a (confidential |news )*tip\b|download (the|our) [\w ]{0,30}\bapps?|(click|tap) here for\b|"
    r"^(get|receive|sign up for) (breaking )?(news )?alerts|send us (a|your) (news )?(tip|story)|"
    r"submit a (news )?(tip|correction|story)|have a (news )?story( idea)?(?=\?)|"
    r"^(listen|subscribe|follow|watch)( to [\w ]{1,30})? on (apple podcasts|spotify|google podcasts|youtube)$)\b",
    re.IGNORECASE)
# Phrases a promotion uses, and an article about newsletters, privacy or charity may use too: they mark
# a call to action only in a short block, or one that speaks to the reader.
PROMOTION = re.compile(
    r"\b((our|daily|weekly|free) (e-?mail )?(newsletter|digest)|online donations|"
    r"make a (tax[- ]deductible )?(donation|gift|contribution)|(fundraising|membership) (campaign|drive)|"
    r"support (our|independent) (journalism|media|reporting|work)|become a (member|subscriber|patron)|"
    r"cookie (policy|settings)|privacy policy|terms of (use|service)|all rights? reserved|download the app)\b",
    re.IGNORECASE)
TO_THE_READER = re.compile(r"\b(you|your|sign up|subscribe|donate|join us|click|tap|please|support us|help us)\b",
                           re.IGNORECASE)
# Labels over other stories' headlines: "Related", "More from UK", "Most read".
_OTHER_STORIES = (r"related|recommended|read (this )?(more|next)|next up|up next|what to read next|"
                  r"in case you missed it|around the web|from (our|the) partners?|(next|previous) story|"
                  r"(sponsored|promoted|partner|paid) (stories|content|posts|links)|"
                  r"more\b.{0,20}\b(in|from|on|stories|news|articles)\b|trending|"
                  r"most (popular|read|viewed|shared)|popular now|"
                  r"(latest|recent|popular|featured|top) (news|stories|posts)|popular (on|at|in) \w|"
                  # the same labels in it, es, pt, fr, de, nl and ru
                  r"leggi anche|articoli correlati|potrebbe interessarti|i più letti|lea también|te puede interesar|"
                  r"(artículos|noticias|artigos|notícias) relacionad[oa]s|los más leídos|leia também|mais lidas|"
                  r"(à )?lire aussi|sur le même sujet|les plus lus|lesen sie auch|mehr zum thema|meistgelesen|"
                  r"lees ook|meest gelezen|читайте также|материалы по теме|по теме|самое (читаемое|популярное)|"
                  r"veja também|mais notícias|últimas (notícias|noticias)|voir aussi|dernières (actualités|nouvelles)|"
                  r"auch interessant|ultime notizie|другие новости|последние новости")
OTHER_STORIES = re.compile(rf"^({_OTHER_STORIES})", re.IGNORECASE)
# Where a page moves on from the article: those labels, and comments, sharing, notes about the authors.
MOVED_ON = re.compile(
    rf"^({_OTHER_STORIES}|keep reading|more\b.{{0,20}}\bvideos|"
    r"editors?'?s?'? picks|you (may|might) (also )?like|comments?|\d+ comments|leave a (comment|reply)|"
    r"about the author|share|in this article|additional reporting|contributed|first published|"
    r"(latest|recent|popular|featured|top) (galleries|videos|slide ?shows)|sponsored|advertisement|"
    r"(places|organi[sz]ations|people|topics) in (this|the) (story|article))\b",
    re.IGNORECASE)
# What closes an author's profile card.
PROFILE_LINK = re.compile(r"^(view (full )?profile|follow( \w+){0,3}|more (by|from) .{0,40}|"
                          r"(see|view) (all )?(stories|articles|posts) by .{0,40}|@\w+)$", re.IGNORECASE)
# The link that closes a teaser for another story: "Headline / first words of it... / Read more".
READ_MORE = re.compile(r"^((read|see) (more|the (full )?(story|article))|(continue|keep) reading|full (story|article))"
                       r"[\s.…:›»>→-]*$", re.IGNORECASE)
# Where a page's comment section begins: nothing after it is the article.
COMMENTS_START = re.compile(
    r"^((\d+\s)?(reader|user|visitor)?\s?comments?|\d+ with \d+ posters participating|(leave|post|add|write) a (comment|reply)|"
    r"join the (conversation|discussion)|you must (log ?in|sign ?in|be logged in).{0,40}\bcomment\.?|"
    # the same in it, es, pt, fr, de, ru
    r"(\d+\s)?(commenti|comentarios|comentários|commentaires|kommentare|комментарии)|"
    r"(lascia|deja|deixe|laisser|laissez|schreibe|оставить|оставьте) (un |um |einen )?(commento|comentario|comentário|"
    r"commentaire|kommentar|комментарий)|devi essere connesso per (inviare|pubblicare) un commento\.?|"
    r"[\w.-]{2,40} says:|"
    # "3 thoughts on “Bridge Vote”", "12 Responses to ...", "Comments (4)"
    r"\d+ (thoughts?|responses?|replies|reactions?) (on|to) .{1,200}|comments? \(\d+\)|\d+ repl(y|ies))"
    # the form's "Cancel reply" after its heading: "Leave a Reply Cancel reply", "Lascia un commento Annulla risposta"
    r"(\s+(cancel reply|annulla risposta|cancelar (respuesta|resposta)|annuler la réponse|antworten abbrechen))?$",
    re.IGNORECASE)
# The line under each comment in a thread: "Reply", "Like (12) Reply", "Antworten", "Rispondi ↓".
REPLY_LINE = re.compile(r"^((\d+\s+)?likes?\s*(\(\d+\))?\s*[·|•-]?\s*)?(reply|antworten|rispondi|responder|"
                        r"répondre|ответить)(\s*[·|•-]?\s*(report|flag|share))?(\s*[↓↩→›»])?$", re.IGNORECASE)
# A commenter's time: "2 hours ago", "5 days ago".
TIME_AGO = re.compile(r"^\d+\s+(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago$",
                      re.IGNORECASE)
# A line that sends the reader to another story: "READ MORE: ...", "DON'T MISS ...", "(Leggi anche: ...)".
TEASER_LINE = re.compile(
    r"^[(\[]?\s*(((see|read|watch) (more|also|next)|also read|must read|read also|more on this|"
    r"related( stories| articles| coverage| content)?)\s*[:|]|"
    r"on [\w-]+\.[a-z]{2,}\s*:|also on [\w-]+\.[a-z]{2,}\b|"
    r"(?-i:DON'?T MISS|DON’T MISS)\b|(?-i:MORE|PHOTOS|VIDEO|WATCH)\s*:|"
    r"(leggi anche|lire aussi|à lire aussi|lesen sie auch|lea también|leia também|"
    r"lees ook|czytaj (też|także))\b)", re.IGNORECASE)
# "[VIDEO]", "[INSIGHT]": the labels a box of other stories' headlines carries.
STORY_LABEL = re.compile(r"\[(?-i:[A-Z][A-Z ]{2,14})\]")
# "Robert Burns, AP National Security Writer": a byline without its "By", a job title after the name.
NAME_WITH_JOB = re.compile(r"^(?P<name>[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3}),\s+([\w.&'’-]+\s){0,5}"
                           r"(writer|reporter|correspondent|editor|contributor|columnist|producer|critic|photographer)s?$",
                           re.IGNORECASE)
# "Defense Secretary Mark Esper, left, and ...": a caption placing people in a photo.
PLACES_PEOPLE = re.compile(r"[A-Z][\w.'’-]+(, (left|right|center|centre|second from (left|right)|from left|top|bottom)"
                           r"( to right)?(,| and\b)| \((left|right|center|centre|second from (left|right))\))")
# A way to reach someone, alone on a short line: "Megan Rowe meganr@example.com (509) 459-5382", or a postal
# address ending in a US state and ZIP code or a UK postcode.
CONTACT = re.compile(r"\S+@\S+\.[a-z]{2,}|\(\d{3}\)\s?\d{3}-\d{4}|"
                     r"^\d{1,6}\s.{3,80}(\b[A-Z]{2},?\s\d{5}(-\d{4})?|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2})$")
# An expandable caption's toggle glued to its end: "...Southeast Asian nation. less".
CAPTION_TOGGLE = re.compile(r"[.!?”\"’)]\s+(less|more)$")
SHORT_SENTENCE = re.compile(r"^[\"'“‘(A-Z0-9].*[.!…][\"'”’)\]]*$")
# "Jason Cipriani/ZDNet": a photographer and an outlet, alone on a line.
NAME_CREDIT = re.compile(r"^[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3}\s?/\s?[A-Z][\w.&]+( [A-Z][\w.&]+){0,2}$")
# A caption copied with its credit glued on: "...hours later.Ezra Acayan / Getty Images".
GLUED_CREDIT = re.compile(r"[.!?”\"’)]\s?((Credit)+|(Photo|Image):?\s?|©\s?)?[A-Z][\w.'’ -]{1,40}\s?/\s?[\w.& ]{2,30}"
                          r"(,? via [\w ]{2,30})?$|"
                          # "...legalized for recreational use. Statista": an agency named after the caption
                          r"[.!?]\s(Statista|Getty Images|Reuters|AP|AFP|EPA|Shutterstock|Alamy|iStock(photo)?)$")
# "This March 28, 2017, file photo shows ...", "In this photo taken ...": a caption, whatever its length.
DESCRIBES_PHOTO = re.compile(
    r"^(in )?this\b.{0,80}\b(file )?(photo|image|picture|photograph)\b.{0,120}\b(shows?|taken|provided)\b|"
    r"^an? (stock |file |handout )?(image|photo|picture|photograph) (of|shows?)\b",
    re.IGNORECASE)
# "... in the 14th century (Image: Getty)": a caption that ends in its labelled credit.
LABELLED_CREDIT_END = re.compile(r"\((photo|image|picture|pic|credit|photo credit|image credit)s?\s*:[^()]{1,60}\)\s*$",
                                 re.IGNORECASE)
# A photo's credit closing a caption: "... on the trail. Credit: Ann Lee", "... as Batman. (@name/Twitter)".
CREDIT_TAIL = re.compile(r"(\bcredits?\s*:\s*[^.!?]{1,60}|\((photo|image|credit)s?\s*:?[^()]{1,60}\)|"
                         r"\(@?[\w. -]{1,40}/(twitter|instagram|facebook|flickr|youtube)\)|"
                         r"\([^()]{0,50}\b(images|photos?|getty|reuters|afp|ap|wireimage|shutterstock)\))\s*$",
                         re.IGNORECASE)
# "Ann says:", "Posted by ...", "Permalink": the marks of a comment thread around its replies.
COMMENTER_LINE = re.compile(r"^.{1,60}\b(says|said|wrote)\s*:?$|^posted by\b.{0,80}$|\bpermalink$", re.IGNORECASE)
# "Read our full review", "Shop now": the verb a button's words start with.
BUTTON_START = re.compile(r"^(read|shop|buy|order|learn|start|check|join|get|try|download|subscribe|sign|view|watch|"
                          r"click|book|schedule|register|see|find|explore|discover|compare|listen|follow|share|"
                          r"continue|go|visit|claim|save|apply|request|contact|call|email|print)\b", re.IGNORECASE)
# Words of a page's buttons and labels, never of a person's name: "View All", "Get The Magazine".
NOT_NAMES = frozenset("""the a an all more most now next read view share sign log up in on of for to with us our your
    my new top best latest news home subscribe newsletter magazine menu search video watch live tip send pin it
    services stories articles posts comments edition today paper follow""".split())
# "Kevin Johnson and Kevin McCoy", "Devindra Hardawar, @devindra": a byline without its "By".
NAME_LINE = re.compile(rf"^{NAME}((,|\sand|\s&)\s{NAME}){{0,3}}(,?\s?@\w+)?$")
HEADLINE_END = re.compile(r"[.:;,]$")
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
PROSE_END = re.compile(r"[.!?…:][\"'”’)\]]*$")
# A link after a paragraph's last sentence: "... my friend. pic.twitter.com/dUO6AJlMxR", "... https://t.co/x1"
TRAILING_LINK = re.compile(r"(?<=[.!?…\"”’)])\s+(https?://\S+|(?:[\w-]+\.)+[a-z]{2,}/\S*)$", re.IGNORECASE)
# A teaser cut short: "...and what…", "...its young season …", "...the plague,..."
CUT_SHORT = re.compile(r"[\w,;]\s?(…|\.\.\.)$")
# A headline cut to fit its box: "Plague of mosquitos to devastate Britain as Hurri...", "청춘의.."
CUT_HEADLINE = re.compile(r"[\w,;’'”\"]\s?(…|\.{2,3})$")
PROSE_WORDS = 15
RECURRING_WORDS = 25
RECURRING_TIMES = 3
SHORT_PROMOTION_WORDS = 8


def squash(text: str) -> str:
    """Text reduced to lowercase letters and digits of any script, accents dropped: the same words in
    any typography match (and Cyrillic or Korean text is not squashed to nothing)."""
    decomposed = unicodedata.normalize("NFKD", text).lower()
    return _NOT_LETTERS.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


_NOT_LETTERS = re.compile(r"[\W_]+")


def word_count(text: str) -> int:
    return len(text.split())


def is_prose(text: str) -> bool:
    """A real paragraph: enough words, and it ends a sentence (teasers and link text often don't,
    or are cut short mid-sentence); a link after its last sentence (a post's picture) does not count."""
    text = TRAILING_LINK.sub("", text)
    return word_count(text) >= PROSE_WORDS and bool(PROSE_END.search(text)) and not CUT_SHORT.search(text)


def byline_name(text: str) -> str:
    match = BYLINE.match(text)
    name = match.group("names") if match else re.sub(BYLINE_PREFIX, "", text)
    return re.sub(BYLINE_HANDLE + ".*$", "", name)


def is_headline(text: str) -> bool:
    words = word_count(text)
    return 3 <= words <= 25 and not HEADLINE_END.search(text) and "\n" not in text


def is_teaser(text: str) -> bool:
    """A headline in title case ("Meet Alden Ehrenreich: The New Han Solo"): a link to another story.

    Dates and numbers make a list item (tour dates, scores), so a block with digits is never one."""
    return not re.search(r"\d", text) and is_title_case_headline(text)


def is_cut_headline(text: str) -> bool:
    """A headline-length line cut short by dots: a link to another story, shortened to fit its box. A
    line of dialogue trailing off ("“And then...") opens a quote it does not close, or a dash, and a sentence
    trailing off is longer, or has ended a sentence before its dots."""
    body = CUT_HEADLINE.sub("", text)
    return 2 <= word_count(text) <= 20 and bool(CUT_HEADLINE.search(text)) and not re.search(r"[.!?]\s", body) \
        and not re.match(r"[—–-]|[\"“‘«][^\"”’»]*$", text)


def is_title_case_headline(text: str) -> bool:
    return is_headline(text) and word_count(text) >= 5 and is_title_case(text)


def is_title_case(text: str) -> bool:
    long_words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) > 3]
    return len(long_words) >= 2 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def is_link_text(text: str) -> bool:
    """A headline-length line that does not end a sentence: how a link to another story reads."""
    return word_count(text) <= 20 and not PROSE_END.search(text)


def is_tag_line(text: str) -> bool:
    """ "Health Marijuana Cannabis Weed": capitalised words and nothing else, a page's topic tags."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[0].isupper() or w == "&" for w in words) and not SENTENCE_END.search(text) \
        and not (len(words) >= 4 and text.isupper())  # "LOOK WHAT YOU MADE ME DO": a heading in capitals


def is_metadata(text: str) -> bool:
    """A date, or a comment count, maybe broken over lines ("New," "15" "comments"): it may stand between
    a headline and its dek."""
    return bool(DATELINE.match(text) or re.match(r"(?i)((new,? )?\d+ comments?|new,?|\d+|comments?)$", text))


def is_header_line(text: str) -> bool:
    """A byline or a date line: what sits under a headline. "By" may stand alone, its name on the next line,
    and an editorial is signed by its desk."""
    return bool(re.match(rf"{BYLINE_WORDS}(\s+[A-Z]|$)", text) or DATELINE.match(text)
                or re.match(r"(?i)(the )?(editorial( board)?|editors|editorial staff)$", text))


def is_person_line(text: str) -> bool:
    """ "Richard (R.J.) Eskow", "Ann Lee and Sam Wright": names alone on a line, a byline without "By"."""
    words = [re.sub(r"['’]s$", "", w.strip("(),")).lower() for w in text.split()]
    return bool(NAME_LINE.match(text)) and not any(w in NOT_NAMES or re.fullmatch(WEEKDAY, w) for w in words)


def is_job_title(text: str) -> bool:
    """ "Senior Contributor", "Staff Writer": what an author's card puts under the name."""
    words = text.split()
    return 0 < len(words) <= 4 and bool(JOB_WORD.match(words[-1])) and all(JOB_PREFIX.match(w) for w in words[:-1])


def is_handle_line(text: str) -> bool:
    """ "Devindra Hardawar, @devindra": an author and their handle, a byline without "By"."""
    return "@" in text and bool(NAME_LINE.match(text))


def is_credit(text: str) -> bool:
    """ "Photo: Ann Lee", "Getty Images": a credit names its source and is no sentence, so "LONDON
    (Reuters) - Shares fell on Monday." and "The photo was sold to Getty Images." are read."""
    found = CREDIT.search(text)
    return bool(found) and (found.start() == 0 or not SENTENCE_END.search(text))


_QUOTED = re.compile(r"[\"“][^\"“”]{12,}[\"”]")
_SPEECH_VERB = re.compile(r"\b(said|says|told|asked|added|wrote|explained|recalled|tweeted|according to)\b", re.IGNORECASE)


def is_quotation(text: str) -> bool:
    """A paragraph that quotes someone ("...," she said.): no caption, even when a credit line follows it."""
    stripped = text.strip()
    return stripped[:1] in "\"“‘«" or bool(_QUOTED.search(stripped) and _SPEECH_VERB.search(stripped))


# The small print of a page: copyright and trademark notices, health and investment disclaimers, affiliate
# disclosures, the site's own terms. Whole phrases only, so an article that mentions a trademark is read.
LEGAL_NOTICE = re.compile(r"""
    \ball\ rights?\ reserved\b|\bmay\ not\ be\ (re)?published,?\ broadcast\b|
    ^(copyright\b|\(c\)\s?\d{4}|©)|\bcopyright\s?(\(c\)|©)|
    \b(is|are)\ (a\ |the\ )?(registered\ )?(trademarks?|service\ marks?)\ of\b|\bowner\ of\ the\ .{0,60}\btrademarks\b|
    \b(have|has)\ not\ been\ evaluated\ by\ the\ (food\ and\ drug\ administration|fda)\b|
    \bnot\ intended\ to\ (diagnose|treat|cure|prevent|replace|be\ a\ substitute)\b|
    \bfor\ (general\ )?(informational|information|educational)\ purposes\ only\b|
    \bmay\ (earn|receive|get)\ (a\ )?(small\ )?(commission|share\ of\ (the\ )?sales|compensation)\b|
    \baffiliate\ (links?|partnerships?|commissions?)\b|
    \bopinions\ expressed\ (by|in|here)\b.{0,60}\b(are|is)\ (their|his|her|the\ author'?s?)\ own\b|
    \bterms\ (of|and\ conditions\ of)\ (use|service)\b.{0,40}\bprivacy\b|\bprivacy\ policy\b.{0,40}\bterms\ of\ (use|service)\b|
    \b(information|content|contents|materials?)\ (provided\ |published\ )?on\ (this|our)\ (web\ ?)?site\b
""", re.IGNORECASE | re.VERBOSE)
LEGAL_NOTICE_WORDS = 80


def is_legal_notice(text: str) -> bool:
    """Small print (see LEGAL_NOTICE), unless it is someone quoted or reported saying it."""
    return word_count(text) <= LEGAL_NOTICE_WORDS and bool(LEGAL_NOTICE.search(text)) \
        and not _SPEECH_VERB.search(text) and not is_quotation(text)


def recurring_labels(texts: list[str]) -> set[int]:
    """Positions of short blocks an article repeats over different content: an interview's recurring
    question, a plan's "Eat every 2-3 hours" over each day's meal. Something else follows each time,
    so they are its structure, not a banner shown twice; RECURRING_TIMES times or more, and no appeal
    to the reader."""
    keys = [squash(text) for text in texts]
    following: dict[str, list[str]] = {}
    for position, text in enumerate(texts):
        if word_count(text) <= RECURRING_WORDS:
            following.setdefault(keys[position], []).append(keys[position + 1] if position + 1 < len(keys) else "")
    labels = {key for key, after in following.items()
              if len(after) >= RECURRING_TIMES and len(set(after)) == len(after)}
    return {position for position, key in enumerate(keys) if key in labels and not is_call_to_action(texts[position])}


def is_call_to_action(text: str) -> bool:
    """A newsletter sign-up, a donation appeal, a cookie notice: what asks something of the reader."""
    return bool(CALL_TO_ACTION.search(text) or PROMOTION.search(text)
                and (word_count(text) <= SHORT_PROMOTION_WORDS or TO_THE_READER.search(text)))
