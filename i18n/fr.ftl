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
download-pdf = Télécharger au format PDF
outdated-notice = L'original de ce chapitre a été modifié depuis que cette traduction a été faite. Consultez le texte original pour connaître les conseils les plus récents.
notice-partial = Certaines parties de ce chapitre ne sont pas encore traduites et sont affichées dans la langue d'origine.
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
state-partial = Traduit en partie
po-translated = traduit
po-fuzzy = à revoir
state-unknown = Non enregistré
state-missing = Non traduit
state-orphaned = Orphelin
state-broken = Illisible
status-needs-work = À reprendre
status-all-current = Tous les chapitres sont traduits et à jour.
search-label = Rechercher
search-placeholder = Rechercher dans les manuels
search-results = Résultats :
search-no-results = Aucun résultat pour

bundle-built = Cette copie a été produite le
bundle-valid-until = Elle est prévue pour être utilisée jusqu’au
bundle-expired = Cette copie a dépassé la date jusqu’à laquelle elle devait être utilisée : ses conseils sont peut-être dépassés. Procurez-vous une nouvelle copie auprès de l’éditeur et vérifiez-la avant de vous y fier.
about-copy = À propos de cette copie
about-copy-intro = Vous pouvez lire ce site hors ligne : l’éditeur fournit une copie de chaque langue sous forme de fichier zip, signée pour que vous puissiez vérifier qu’elle vient bien de lui et que personne ne l’a modifiée.
about-copy-key = La clé publique de l’éditeur
about-copy-check = Pour vérifier une copie, gardez sa signature (le fichier qui se termine par .minisig) à côté d’elle et lancez minisign :
about-copy-polybook = Ou avec polybook, qui vérifie aussi la date de la copie :
about-copy-dates = La page d’accueil de chaque copie indique quand elle a été produite et jusqu’à quand elle est prévue pour être utilisée. Après cette date, ses conseils sont peut-être dépassés : procurez-vous une nouvelle copie.
about-copy-failed = Si la vérification échoue, n’ouvrez pas la copie et ne la transmettez pas : elle a peut-être été modifiée pour vous nuire. Procurez-vous-en une auprès de l’éditeur.
