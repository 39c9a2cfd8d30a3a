# Sphinx configuration of the collection's HTML docs site (make docs). Offline: no intersphinx, nothing fetched.
# The plugin, module and role pages come from antsibull-docs; the guides are docs/*.md, rendered by MyST as they are.

project = 'sapcloud.identity'
copyright = 'sapcloud.identity contributors'
title = 'sapcloud.identity'
html_short_title = 'sapcloud.identity'

extensions = ['sphinx_antsibull_ext', 'myst_parser']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = 'any'

# docs/architecture.md draws with Mermaid; without a Mermaid extension (it would load JavaScript from the web) the
# diagram shows as its source text, which is what this warning reports.
suppress_warnings = ['misc.highlighting_failure']
