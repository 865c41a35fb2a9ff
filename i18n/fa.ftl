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
outdated-notice = متن اصلی این فصل پس از انجام این ترجمه تغییر کرده است. برای دیدن تازه‌ترین توصیه‌ها متن اصلی را بررسی کنید.
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
state-unknown = ثبت‌نشده
state-missing = ترجمه‌نشده
state-orphaned = بی‌منبع
status-needs-work = نیازمند کار
status-all-current = همهٔ فصل‌ها ترجمه‌شده و به‌روز هستند.
search-label = جستجو
search-placeholder = جستجو در راهنماها
search-results = نتیجه‌ها:
search-no-results = نتیجه‌ای یافت نشد برای
