# User interface strings of the default theme (Amharic / አማርኛ).
# These translate the message ids of the English reference set (en.ftl).

# The name of this language, written in the language itself.
language-name = አማርኛ

skip-to-content = ወደ ይዘቱ ይለፉ
site-navigation = ድረ ገጽ
manual-contents = የዚህ መመሪያ ማውጫ
contents = ማውጫ
previous = ቀዳሚ
next = ቀጣይ
home = መነሻ
manuals = መመሪያዎች
language-switcher = በሌላ ቋንቋ ያንብቡ
choose-language = ቋንቋ ይምረጡ
print-version = መመሪያው በሙሉ በአንድ ገጽ
print-notice = ይህ ገጽ ለማተም ወይም ያለ በይነመረብ ግንኙነት ለማንበብ እንዲያመች መመሪያውን በሙሉ ይዟል።
not-translated-notice = ይህ ምዕራፍ ገና ወደዚህ ቋንቋ አልተተረጎመም። ዋናው ጽሑፍ ከዚህ በታች ቀርቧል።
not-translated-badge = ገና አልተተረጎመም
alert-note = ማስታወሻ
alert-tip = ጠቃሚ ምክር
alert-important = አስፈላጊ
alert-warning = ማስጠንቀቂያ
alert-caution = ጥንቃቄ
footnotes = ማስታወሻዎች
back-to-reference = ወደ ጽሑፉ ይመለሱ
download-epub = በEPUB ቅርጸት ያውርዱ
download-pdf = በPDF ቅርጸት ያውርዱ
outdated-notice = ይህ ትርጉም ከተሠራ በኋላ የዚህ ምዕራፍ ዋና ጽሑፍ ተቀይሯል። የቅርብ ጊዜውን ምክር ለማግኘት ዋናውን ጽሑፍ ይመልከቱ።
notice-partial = የዚህ ምዕራፍ አንዳንድ ክፍሎች እስካሁን አልተተረጎሙም፤ በዋናው ቋንቋ ቀርበዋል።
read-original = ዋናውን ጽሑፍ ያንብቡ
translation-status = የትርጉም ሁኔታ
task-done = ተጠናቋል
task-open = ገና አልተጠናቀቀም
epub-cover = ሽፋን
epub-landmarks = ዋና ዋና ክፍሎች
epub-start = የመጽሐፉ መጀመሪያ
epub-accessibility-summary = ይህ መጽሐፍ ማውጫ፣ በቅደም ተከተል የተቀመጡ ርዕሶች እና ለምስሎቹ አማራጭ ጽሑፎች አሉት፤ ብልጭ ድርግም የሚሉ ነገሮች፣ ድምፅ ወይም እንቅስቃሴ የሚያስከትሉት አደጋም የለበትም። አንባቢው የጽሑፉን መጠንና ቅጥ መቀየር ይችላል።
status-language = ቋንቋ
state-current = ወቅታዊ
state-outdated = ጊዜው ያለፈበት
state-partial = በከፊል የተተረጎመ
po-translated = የተተረጎመ
po-fuzzy = መከለስ ያለበት
state-unknown = አልተመዘገበም
state-missing = አልተተረጎመም
state-orphaned = ዋናው የሌለው
state-broken = ሊነበብ አይችልም
status-needs-work = ሥራ ያስፈልገዋል
status-all-current = ሁሉም ምዕራፎች ተተርጉመዋል፤ ወቅታዊም ናቸው።
search-label = ፍለጋ
search-placeholder = በመመሪያዎቹ ውስጥ ይፈልጉ
search-results = ውጤቶች፦
search-no-results = ምንም ውጤት አልተገኘም፦

bundle-built = ይህ ቅጂ የተዘጋጀበት ቀን
bundle-valid-until = ለአገልግሎት የታሰበው እስከ
bundle-expired = ይህ ቅጂ ለአገልግሎት የታሰበበት ቀን አልፏል፤ ምክሮቹ ጊዜ ያለፈባቸው ሊሆኑ ይችላሉ። ከአሳታሚው አዲስ ቅጂ ያግኙ፤ ከመጠቀምዎ በፊትም ያረጋግጡት።
about-copy = ስለዚህ ቅጂ
about-copy-intro = ይህን ድረ-ገጽ ያለ ኢንተርኔት ማንበብ ይችላሉ፤ አሳታሚው ለእያንዳንዱ ቋንቋ በ zip ፋይል ቅጂ ያቀርባል፤ ቅጂው ከእሱ መምጣቱንና ማንም እንዳልቀየረው ማረጋገጥ እንዲችሉ ተፈርሟል።
about-copy-key = የአሳታሚው ይፋዊ ቁልፍ
about-copy-check = ቅጂን ለማረጋገጥ ፊርማውን (በ .minisig የሚያልቀውን ፋይል) ከጎኑ ያስቀምጡና minisign ን ያሂዱ፦
about-copy-polybook = ወይም የቅጂውን ቀንም በሚያረጋግጠው polybook፦
about-copy-dates = የእያንዳንዱ ቅጂ መነሻ ገጽ መቼ እንደተዘጋጀና እስከ መቼ ለአገልግሎት እንደታሰበ ይገልጻል። ከዚያ ቀን በኋላ ምክሮቹ ጊዜ ያለፈባቸው ሊሆኑ ይችላሉ፤ አዲስ ቅጂ ያግኙ።
about-copy-failed = ማረጋገጫው ካልተሳካ ቅጂውን አይክፈቱ፤ ለሌሎችም አያስተላልፉ፤ እርስዎን ለመጉዳት ተቀይሮ ሊሆን ይችላል። በምትኩ ከአሳታሚው ቅጂ ያግኙ።
