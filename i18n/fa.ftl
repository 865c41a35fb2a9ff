# رشته‌های رابط کاربری پوستهٔ پیش‌فرض (فارسی).
# این فایل همان شناسه‌های پیام فایل مرجع انگلیسی را ترجمه می‌کند.

# نام این زبان، به خودِ همین زبان.
language-name = فارسی

skip-to-content = رفتن به محتوا
site-navigation = سایت
manual-contents = فهرست مطالب این راهنما
contents = فهرست مطالب
previous = قبلی
next = بعدی
home = صفحهٔ اصلی
manuals = راهنماها
language-switcher = خواندن به زبانی دیگر
choose-language = انتخاب زبان
print-version = کل راهنما در یک صفحه
print-notice = این صفحه کل راهنما را برای چاپ یا خواندن آفلاین در بر دارد.
not-translated-notice = این فصل هنوز به این زبان ترجمه نشده است. متن اصلی در ادامه آمده است.
not-translated-badge = هنوز ترجمه نشده
alert-note = یادداشت
alert-tip = نکته
alert-important = مهم
alert-warning = هشدار
alert-caution = احتیاط
footnotes = یادداشت‌ها
back-to-reference = بازگشت به متن
download-epub = دریافت نسخهٔ EPUB
download-pdf = دریافت نسخهٔ PDF
outdated-notice = متن اصلی این فصل پس از انجام این ترجمه تغییر کرده است. برای دیدن تازه‌ترین توصیه‌ها متن اصلی را بررسی کنید.
notice-partial = بخش‌هایی از این فصل هنوز ترجمه نشده‌اند و به زبان اصلی نمایش داده می‌شوند.
read-original = خواندن متن اصلی
translation-status = وضعیت ترجمه
task-done = انجام‌شده
task-open = انجام‌نشده
epub-cover = جلد
epub-landmarks = نشانه‌ها
epub-start = آغاز کتاب
epub-accessibility-summary = این کتاب فهرست مطالب، عنوان‌های مرتب و متن جایگزین برای تصویرهایش دارد و هیچ خطری از نظر نور چشمک‌زن، صدا یا حرکت ندارد. اندازه و ظاهر متن را می‌توان تغییر داد.
status-language = زبان
state-current = به‌روز
state-outdated = قدیمی
state-partial = بخشی ترجمه شده
po-translated = ترجمه‌شده
po-fuzzy = نیازمند بازبینی
state-unknown = ثبت‌نشده
state-missing = ترجمه‌نشده
state-orphaned = بی‌منبع
state-broken = خوانده نمی‌شود
status-needs-work = نیازمند کار
status-all-current = همهٔ فصل‌ها ترجمه‌شده و به‌روز هستند.
search-label = جستجو
search-placeholder = جستجو در راهنماها
search-results = نتیجه‌ها:
search-no-results = نتیجه‌ای یافت نشد برای

bundle-built = این نسخه ساخته شده در
bundle-valid-until = برای استفاده تا این تاریخ در نظر گرفته شده است:
bundle-expired = تاریخ استفادهٔ این نسخه گذشته است: ممکن است توصیه‌هایش قدیمی باشند. نسخهٔ تازه‌ای از ناشر بگیرید و پیش از تکیه بر آن، بررسی‌اش کنید.
about-copy = دربارهٔ این نسخه
about-copy-intro = می‌توانید این سایت را بدون اینترنت بخوانید: ناشر از هر زبان نسخه‌ای در یک فایل zip فراهم می‌کند که امضا شده است تا بتوانید بررسی کنید که از طرف او است و کسی آن را تغییر نداده است.
about-copy-key = کلید عمومی ناشر
about-copy-check = برای بررسی یک نسخه، امضای آن (فایلی که به ‎.minisig ختم می‌شود) را کنارش نگه دارید و minisign را اجرا کنید:
about-copy-polybook = یا با polybook، که تاریخ نسخه را هم بررسی می‌کند:
about-copy-dates = صفحهٔ اصلی هر نسخه می‌گوید چه زمانی ساخته شده و تا چه زمانی برای استفاده در نظر گرفته شده است. پس از آن تاریخ ممکن است توصیه‌هایش قدیمی باشند: نسخهٔ تازه‌ای بگیرید.
about-copy-failed = اگر بررسی ناموفق بود، نسخه را باز نکنید و به دیگران ندهید: ممکن است برای آسیب زدن به شما تغییر داده شده باشد. به جای آن، نسخه‌ای از ناشر بگیرید.
