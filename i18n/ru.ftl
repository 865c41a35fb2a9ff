# Строки интерфейса темы по умолчанию (русский язык).
# Перевод тех же идентификаторов сообщений, что и в эталонном файле en.ftl.

# Название этого языка на самом этом языке.
language-name = Русский

skip-to-content = Перейти к содержанию
site-navigation = Сайт
manual-contents = Содержание этого руководства
contents = Содержание
previous = Назад
next = Далее
home = Главная
manuals = Руководства
language-switcher = Читать на другом языке
choose-language = Выберите язык
print-version = Всё руководство на одной странице
print-notice = На этой странице собрано всё руководство — для печати или чтения без подключения к интернету.
not-translated-notice = Эта глава ещё не переведена на этот язык. Ниже приведён исходный текст.
not-translated-badge = ещё не переведено
alert-note = Примечание
alert-tip = Совет
alert-important = Важно
alert-warning = Предупреждение
alert-caution = Осторожно
footnotes = Примечания
back-to-reference = Вернуться к тексту
download-epub = Скачать в формате EPUB
outdated-notice = Оригинал этой главы изменился после того, как был сделан этот перевод. Актуальные рекомендации смотрите в исходном тексте.
read-original = Читать оригинал
translation-status = Состояние перевода
task-done = Выполнено
task-open = Не выполнено
epub-cover = Обложка
epub-landmarks = Ориентиры
epub-start = Начало книги
epub-accessibility-summary = В книге есть оглавление, упорядоченные заголовки и текстовые описания изображений; в ней нет мигания, звука или движения. Размер и оформление текста можно менять.
status-language = Язык
state-current = Актуально
state-outdated = Устарело
state-unknown = Не отмечено
state-missing = Не переведено
state-orphaned = Без источника
status-needs-work = Требует работы
status-all-current = Все главы переведены и актуальны.
search-label = Поиск
search-placeholder = Поиск по руководствам
search-results = Результаты:
search-no-results = Ничего не найдено по запросу
