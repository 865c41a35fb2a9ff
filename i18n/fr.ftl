# Chaînes de l'interface utilisateur du thème par défaut (français).
# Traduit les mêmes identifiants de message que le jeu de référence en anglais.

# Le nom de cette langue, écrit dans la langue elle-même.
language-name = Français

skip-to-content = Aller au contenu
site-navigation = Site
manual-contents = Sommaire de ce manuel
contents = Sommaire
previous = Précédent
next = Suivant
home = Accueil
manuals = Manuels
language-switcher = Lire dans une autre langue
choose-language = Choisir une langue
print-version = Le manuel complet sur une seule page
print-notice = Cette page contient l'intégralité du manuel, pour l'imprimer ou le lire hors ligne.
not-translated-notice = Ce chapitre n'a pas encore été traduit dans cette langue. Le texte original est affiché ci-dessous.
not-translated-badge = pas encore traduit
alert-note = Remarque
alert-tip = Conseil
alert-important = Important
alert-warning = Avertissement
alert-caution = Attention
footnotes = Notes
back-to-reference = Retour au texte
download-epub = Télécharger au format EPUB
outdated-notice = L'original de ce chapitre a été modifié depuis que cette traduction a été faite. Consultez le texte original pour connaître les conseils les plus récents.
read-original = Lire l'original
translation-status = État des traductions
task-done = Fait
task-open = À faire
epub-cover = Couverture
epub-landmarks = Repères
epub-start = Début du livre
epub-accessibility-summary = Ce livre comporte une table des matières, des titres dans l’ordre, des textes de remplacement pour ses images et aucun risque lié aux clignotements, au son ou au mouvement. Le texte peut être agrandi et adapté.
status-language = Langue
state-current = À jour
state-outdated = Obsolète
state-unknown = Non enregistré
state-missing = Non traduit
state-orphaned = Orphelin
status-needs-work = À reprendre
status-all-current = Tous les chapitres sont traduits et à jour.
search-label = Rechercher
search-placeholder = Rechercher dans les manuels
search-results = Résultats :
search-no-results = Aucun résultat pour
