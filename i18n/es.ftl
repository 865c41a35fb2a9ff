# Cadenas de la interfaz de usuario del tema predeterminado (español).
# Traduce los mismos identificadores de mensaje que el conjunto de referencia en inglés.

# El nombre de este idioma, escrito en el propio idioma.
language-name = Español

skip-to-content = Saltar al contenido
site-navigation = Sitio
manual-contents = Contenido de este manual
contents = Contenido
previous = Anterior
next = Siguiente
home = Inicio
manuals = Manuales
language-switcher = Leer en otro idioma
choose-language = Elige un idioma
print-version = Todo el manual en una sola página
print-notice = Esta página contiene el manual completo, para imprimirlo o leerlo sin conexión.
not-translated-notice = Este capítulo aún no se ha traducido a este idioma. A continuación se muestra el texto original.
not-translated-badge = aún sin traducir
alert-note = Nota
alert-tip = Consejo
alert-important = Importante
alert-warning = Advertencia
alert-caution = Precaución
footnotes = Notas
back-to-reference = Volver al texto
download-epub = Descargar en EPUB
download-pdf = Descargar en PDF
outdated-notice = El original de este capítulo ha cambiado desde que se hizo esta traducción. Consulta el texto original para ver los consejos más recientes.
notice-partial = Partes de este capítulo aún no se han traducido y se muestran en el idioma original.
read-original = Leer el original
translation-status = Estado de la traducción
task-done = Hecho
task-open = Pendiente
epub-cover = Portada
epub-landmarks = Puntos de referencia
epub-start = Inicio del libro
epub-accessibility-summary = Este libro tiene índice, encabezados en orden, textos alternativos para sus imágenes y ningún riesgo de destellos, sonido o movimiento. El texto se puede agrandar y adaptar.
status-language = Idioma
state-current = Al día
state-outdated = Desactualizado
state-partial = Traducido en parte
po-translated = traducido
po-fuzzy = por revisar
state-unknown = Sin registrar
state-missing = Sin traducir
state-orphaned = Huérfano
state-broken = No se puede leer
status-needs-work = Pendiente de trabajo
status-all-current = Todos los capítulos están traducidos y al día.
search-label = Buscar
search-placeholder = Buscar en los manuales
search-results = Resultados:
search-no-results = No hay resultados para

bundle-built = Esta copia se generó el
bundle-valid-until = Está pensada para usarse hasta el
bundle-expired = Esta copia ha pasado la fecha hasta la que debía usarse: sus consejos pueden estar desactualizados. Consigue una copia nueva de quien la publica y compruébala antes de confiar en ella.
about-copy = Acerca de esta copia
about-copy-intro = Puedes leer este sitio sin conexión: quien lo publica ofrece una copia de cada idioma en un archivo zip, firmada para que puedas comprobar que viene de esa fuente y que nadie la ha modificado.
about-copy-key = La clave pública de quien publica
about-copy-check = Para comprobar una copia, guarda su firma (el archivo que termina en .minisig) junto a ella y ejecuta minisign:
about-copy-polybook = O con polybook, que también comprueba la fecha de la copia:
about-copy-dates = La página de inicio de cada copia indica cuándo se generó y hasta cuándo está pensada para usarse. Después de esa fecha sus consejos pueden estar desactualizados: consigue una copia nueva.
about-copy-failed = Si la comprobación falla, no abras la copia ni la compartas: puede haber sido modificada para hacerte daño. Consigue una de quien la publica.
