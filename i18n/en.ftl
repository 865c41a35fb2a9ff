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
download-pdf = Download as PDF
outdated-notice = The original of this chapter has changed since this translation was made. Check the original text for the latest advice.
notice-partial = Parts of this chapter have not been translated yet and are shown in the original language.
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
state-partial = Partly translated
po-translated = translated
po-fuzzy = fuzzy
state-unknown = Not recorded
state-missing = Not translated
state-orphaned = Orphaned
state-broken = Cannot be read
status-needs-work = Needs work
status-all-current = Every chapter is translated and current.
search-label = Search
search-placeholder = Search the manuals
search-results = Results:
search-no-results = No results for

bundle-built = This copy was built on
bundle-valid-until = It is meant to be used until
bundle-expired = This copy is older than the date until which it was meant to be used: its advice may be out of date. Get a new copy from the publisher and check it before you rely on it.
about-copy = About this copy
about-copy-intro = You can read this site offline: the publisher makes a copy of each language as a zip file, signed so that you can check that it comes from them and that nobody has changed it.
about-copy-key = The publisher's public key
about-copy-check = To check a copy, keep its signature (the file ending in .minisig) beside it and run minisign:
about-copy-polybook = Or with polybook, which also checks the date of the copy:
about-copy-dates = The home page of each copy says when it was built and until when it is meant to be used. After that date its advice may be out of date: get a new copy.
about-copy-failed = If the check fails, do not open the copy and do not pass it on: it may have been changed to harm you. Get one from the publisher instead.
