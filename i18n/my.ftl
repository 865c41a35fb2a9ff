# User interface strings of the default theme (Burmese / မြန်မာ).
# These translate the message ids of the English reference set (en.ftl).

# The name of this language, written in the language itself.
language-name = မြန်မာ

skip-to-content = အကြောင်းအရာသို့ ကျော်သွားရန်
site-navigation = ဝက်ဘ်ဆိုက်
manual-contents = ဤလက်စွဲ၏ မာတိကာ
contents = မာတိကာ
previous = ယခင်
next = နောက်သို့
home = ပင်မစာမျက်နှာ
manuals = လက်စွဲများ
language-switcher = အခြားဘာသာစကားဖြင့် ဖတ်ရန်
choose-language = ဘာသာစကား ရွေးချယ်ရန်
print-version = လက်စွဲတစ်အုပ်လုံးကို စာမျက်နှာတစ်ခုတည်းတွင် ကြည့်ရန်
print-notice = ဤစာမျက်နှာတွင် ပုံနှိပ်ရန် သို့မဟုတ် အင်တာနက်မလိုဘဲ ဖတ်ရှုရန်အတွက် လက်စွဲတစ်အုပ်လုံး ပါဝင်သည်။
not-translated-notice = ဤအခန်းကို ဤဘာသာစကားသို့ မဘာသာပြန်ရသေးပါ။ မူရင်းစာသားကို အောက်တွင် ဖော်ပြထားသည်။
not-translated-badge = မဘာသာပြန်ရသေးပါ
alert-note = မှတ်ချက်
alert-tip = အကြံပြုချက်
alert-important = အရေးကြီး
alert-warning = သတိပေးချက်
alert-caution = သတိပြုရန်
footnotes = မှတ်စုများ
back-to-reference = စာသားသို့ ပြန်သွားရန်
download-epub = EPUB အဖြစ် ဒေါင်းလုဒ်လုပ်ရန်
outdated-notice = ဤဘာသာပြန်ကို ပြုလုပ်ပြီးနောက် ဤအခန်း၏ မူရင်းစာသား ပြောင်းလဲသွားပြီ ဖြစ်သည်။ နောက်ဆုံးရ အကြံပြုချက်များအတွက် မူရင်းစာသားကို စစ်ဆေးပါ။
read-original = မူရင်းကို ဖတ်ရန်
translation-status = ဘာသာပြန်ဆိုမှု အခြေအနေ
task-done = ပြီးပြီ
task-open = မပြီးသေးပါ
epub-cover = မျက်နှာဖုံး
epub-landmarks = လမ်းညွှန်အမှတ်များ
epub-start = စာအုပ်အစ
epub-accessibility-summary = ဤစာအုပ်တွင် မာတိကာ၊ အစီအစဉ်တကျ ခေါင်းစဉ်များနှင့် ပုံများအတွက် စာသားဖော်ပြချက်များ ပါဝင်ပြီး မီးပြက်ခြင်း၊ အသံ သို့မဟုတ် လှုပ်ရှားမှုကြောင့် အန္တရာယ် မရှိပါ။ စာလုံးအရွယ်အစားနှင့် ပုံစံကို ပြောင်းလဲနိုင်သည်။
status-language = ဘာသာစကား
state-current = နောက်ဆုံးအခြေအနေ
state-outdated = ခေတ်နောက်ကျ
state-unknown = မှတ်တမ်းမရှိ
state-missing = မဘာသာပြန်ရသေး
state-orphaned = မူရင်းမရှိ
status-needs-work = ပြင်ဆင်ရန်
status-all-current = အခန်းအားလုံး ဘာသာပြန်ပြီး နောက်ဆုံးအခြေအနေ ဖြစ်သည်။
search-label = ရှာရန်
search-placeholder = လက်စွဲများတွင် ရှာရန်
search-results = ရလဒ်များ -
search-no-results = ရလဒ် မတွေ့ပါ -
