# سلاسل واجهة المستخدم للسمة الافتراضية (العربية).
# تترجم هذه الملفات معرّفات الرسائل نفسها الواردة في الملف المرجعي الإنجليزي.

# اسم هذه اللغة مكتوبًا باللغة نفسها.
language-name = العربية

skip-to-content = انتقل إلى المحتوى
site-navigation = الموقع
manual-contents = محتويات هذا الدليل
contents = المحتويات
previous = السابق
next = التالي
home = الرئيسية
manuals = الأدلة
language-switcher = اقرأ بلغة أخرى
choose-language = اختر لغة
print-version = الدليل كاملًا في صفحة واحدة
print-notice = تضم هذه الصفحة الدليل كاملًا، للطباعة أو للقراءة دون اتصال بالإنترنت.
not-translated-notice = لم يُترجَم هذا الفصل إلى هذه اللغة بعد. يُعرض النص الأصلي أدناه.
not-translated-badge = لم يُترجَم بعد
alert-note = ملاحظة
alert-tip = نصيحة
alert-important = مهم
alert-warning = تحذير
alert-caution = تنبيه
footnotes = الحواشي
back-to-reference = العودة إلى النص
download-epub = تنزيل بصيغة EPUB
download-pdf = تنزيل بصيغة PDF
outdated-notice = تغيّر النص الأصلي لهذا الفصل منذ إعداد هذه الترجمة. راجع النص الأصلي للاطلاع على أحدث النصائح.
notice-partial = لم تُترجم بعد أجزاء من هذا الفصل، وهي معروضة بلغتها الأصلية.
read-original = اقرأ النص الأصلي
translation-status = حالة الترجمة
task-done = مُنجَز
task-open = لم يُنجَز بعد
epub-cover = الغلاف
epub-landmarks = معالم الكتاب
epub-start = بداية الكتاب
epub-accessibility-summary = يحتوي هذا الكتاب على فهرس وعناوين مرتبة ونصوص بديلة لصوره، ولا يتضمن وميضًا أو صوتًا أو حركة قد تسبب ضررًا. ويمكن تكبير النص وتغيير مظهره.
status-language = اللغة
state-current = محدَّث
state-outdated = قديم
state-partial = مترجم جزئيًا
po-translated = مترجم
po-fuzzy = بحاجة إلى مراجعة
state-unknown = غير مسجَّل
state-missing = غير مترجَم
state-orphaned = يتيم
state-broken = تتعذّر قراءته
status-needs-work = يحتاج إلى عمل
status-all-current = جميع الفصول مترجمة ومحدَّثة.
search-label = بحث
search-placeholder = ابحث في الأدلة
search-results = النتائج:
search-no-results = لا توجد نتائج لـ

bundle-built = أُنشئت هذه النسخة في
bundle-valid-until = وهي معدّة للاستخدام حتى
bundle-expired = تجاوزت هذه النسخة التاريخ الذي أُعدّت للاستخدام حتى بلوغه: قد تكون نصائحها قديمة. احصل على نسخة جديدة من الناشر وتحقّق منها قبل الاعتماد عليها.
about-copy = حول هذه النسخة
about-copy-intro = يمكنك قراءة هذا الموقع دون اتصال بالإنترنت: يوفّر الناشر نسخة من كل لغة في ملف zip، موقّعة لتتمكّن من التحقّق من أنها صادرة عنه وأن أحدًا لم يغيّرها.
about-copy-key = المفتاح العام للناشر
about-copy-check = للتحقّق من نسخة، احتفظ بتوقيعها (الملف الذي ينتهي بـ ‎.minisig) بجانبها وشغّل minisign:
about-copy-polybook = أو باستخدام polybook، الذي يتحقّق أيضًا من تاريخ النسخة:
about-copy-dates = تذكر الصفحة الرئيسية لكل نسخة متى أُنشئت وحتى متى هي معدّة للاستخدام. بعد ذلك التاريخ قد تكون نصائحها قديمة: احصل على نسخة جديدة.
about-copy-failed = إذا فشل التحقّق، فلا تفتح النسخة ولا تمرّرها لغيرك: ربما عُدّلت لإيذائك. احصل على نسخة من الناشر بدلًا منها.
