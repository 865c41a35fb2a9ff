# 默认主题的用户界面字符串（简体中文）。
# 翻译自 en.ftl 中的相同消息 ID。

# 本语言的名称，以该语言本身书写。
language-name = 中文（简体）

skip-to-content = 跳到正文
site-navigation = 网站
manual-contents = 本手册目录
contents = 目录
previous = 上一章
next = 下一章
home = 首页
manuals = 手册
language-switcher = 用其他语言阅读
choose-language = 选择语言
print-version = 整本手册单页版
print-notice = 本页包含整本手册，便于打印或离线阅读。
not-translated-notice = 本章尚未翻译成此语言。下面显示的是原文。
not-translated-badge = 尚未翻译
alert-note = 注意
alert-tip = 提示
alert-important = 重要
alert-warning = 警告
alert-caution = 小心
footnotes = 注释
back-to-reference = 返回正文
download-epub = 下载 EPUB 版
download-pdf = 下载 PDF 版
outdated-notice = 本章原文在此译文完成后已有更改。请查看原文以获取最新建议。
notice-partial = 本章部分内容尚未翻译，以原文语言显示。
read-original = 阅读原文
translation-status = 翻译状态
task-done = 已完成
task-open = 未完成
epub-cover = 封面
epub-landmarks = 导航标志
epub-start = 正文开始
epub-accessibility-summary = 本书包含目录、层级有序的标题和图片的文字说明，不含闪烁、声音或动画等危险内容。读者可以放大文字并更改样式。
status-language = 语言
state-current = 最新
state-outdated = 已过时
state-partial = 部分已翻译
po-translated = 已翻译
po-fuzzy = 待审校
state-unknown = 未记录
state-missing = 未翻译
state-orphaned = 无源文
state-broken = 无法读取
status-needs-work = 待处理
status-all-current = 所有章节均已翻译且为最新。
search-label = 搜索
search-placeholder = 搜索手册
search-results = 结果：
search-no-results = 没有找到结果：

bundle-built = 本副本生成于
bundle-valid-until = 建议使用至
bundle-expired = 本副本已超过建议使用的日期：其中的建议可能已经过时。请从发布者处获取新的副本，并在依赖它之前先进行核验。
about-copy = 关于本副本
about-copy-intro = 你可以离线阅读本网站：发布者为每种语言提供一个 zip 文件副本，并附有签名，让你可以核验它确实来自发布者且未被任何人改动。
about-copy-key = 发布者的公钥
about-copy-check = 要核验副本，请将其签名（以 .minisig 结尾的文件）放在副本旁边，然后运行 minisign：
about-copy-polybook = 或者使用 polybook，它还会检查副本的日期：
about-copy-dates = 每个副本的首页都写明了生成日期和建议使用的截止日期。过了该日期，其中的建议可能已经过时：请获取新的副本。
about-copy-failed = 如果核验失败，请不要打开该副本，也不要转发给他人：它可能已被篡改以伤害你。请改从发布者处获取副本。
