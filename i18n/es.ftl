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
outdated-notice = El original de este capítulo ha cambiado desde que se hizo esta traducción. Consulta el texto original para ver los consejos más recientes.
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
state-unknown = Sin registrar
state-missing = Sin traducir
state-orphaned = Huérfano
status-needs-work = Pendiente de trabajo
status-all-current = Todos los capítulos están traducidos y al día.
search-label = Buscar
search-placeholder = Buscar en los manuales
search-results = Resultados:
search-no-results = No hay resultados para
