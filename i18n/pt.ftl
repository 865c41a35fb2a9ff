# Textos da interface do tema padrão (português).

language-name = Português

skip-to-content = Ir para o conteúdo
site-navigation = Site
manual-contents = Sumário deste manual
contents = Sumário
previous = Anterior
next = Próximo
home = Início
manuals = Manuais
language-switcher = Ler em outro idioma
choose-language = Escolha um idioma
print-version = Manual completo numa só página
print-notice = Esta página contém o manual completo, para imprimir ou ler sem conexão.
not-translated-notice = Este capítulo ainda não foi traduzido para este idioma. O texto original é mostrado abaixo.
not-translated-badge = ainda não traduzido
alert-note = Nota
alert-tip = Dica
alert-important = Importante
alert-warning = Aviso
alert-caution = Cuidado
footnotes = Notas
back-to-reference = Voltar ao texto
download-epub = Baixar em EPUB
outdated-notice = O original deste capítulo mudou desde que esta tradução foi feita. Consulte o texto original para as recomendações mais recentes.
read-original = Ler o original
translation-status = Estado das traduções
task-done = Feito
task-open = A fazer
epub-cover = Capa
epub-landmarks = Pontos de referência
epub-start = Início do livro
epub-accessibility-summary = Este livro tem sumário, títulos em ordem, textos alternativos para as imagens e nenhum risco de luzes piscantes, som ou movimento. O texto pode ser ampliado e adaptado.
