# User interface strings of the default theme (English, the reference set).
# Every other language file translates these same message ids.

# The name of this language, written in the language itself.
language-name = English

skip-to-content = Skip to content
site-navigation = Site
manual-contents = Contents of this manual
contents = Contents
previous = Previous
next = Next
home = Home
manuals = Manuals
language-switcher = Read in another language
choose-language = Choose a language
print-version = Whole manual on one page
print-notice = This page holds the whole manual, for printing or reading offline.
not-translated-notice = This chapter has not been translated into this language yet. The original text is shown below.
not-translated-badge = not translated yet
alert-note = Note
alert-tip = Tip
alert-important = Important
alert-warning = Warning
alert-caution = Caution
footnotes = Notes
back-to-reference = Back to the text
download-epub = Download as EPUB
outdated-notice = The original of this chapter has changed since this translation was made. Check the original text for the latest advice.
read-original = Read the original
translation-status = Translation status
task-done = Done
task-open = Not done yet
epub-cover = Cover
epub-landmarks = Landmarks
epub-start = Start of the book
epub-accessibility-summary = This book has a table of contents, headings in order, text alternatives for its images and no flashing, sound or motion hazards. Text can be resized and restyled by the reader.
status-language = Language
state-current = Current
state-outdated = Outdated
state-unknown = Not recorded
state-missing = Not translated
state-orphaned = Orphaned
status-needs-work = Needs work
status-all-current = Every chapter is translated and current.
search-label = Search
search-placeholder = Search the manuals
search-results = Results:
search-no-results = No results for
