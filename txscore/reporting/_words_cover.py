"""Words of the Overview sheet's cover and contents, the Methodology sheet's settings in plain
words and its glossary.
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

Tables of this part: ``contents`` (what each sheet holds, by sheet key), ``months``
(month names of dates in sentences), ``settings`` (each study setting's name in plain
words, by field of :class:`~txscore.study.model.IndexSettings`,
:class:`~txscore.study.model.QualitySettings` and
:class:`~txscore.study.model.ReportSettings`), ``settings_help`` (what each setting does),
``setting_values`` (values in words) and ``glossary`` (terms and definitions, used by
:mod:`txscore.reporting.glossary`).
"""

from __future__ import annotations

from txscore.reporting.typography import french_spaces

EN: dict = {
    "sheets": {"overview": "Overview"},
    "text": {
        "cover_sub": "Total Experience (TX) report: the key findings first, then the sheets "
                     "behind them.",
        "cover_wave": "Wave", "cover_latest": "{wave} (previous: {previous})",
        "cover_waves": "All waves", "cover_fieldwork": "Fieldwork",
        "cover_field_wave": "{wave}: {start} to {end}", "cover_brands": "Brands",
        "cover_date": "Report date", "cover_bases": "Respondents scored",
        "cover_total": "Total",
        "cover_bases_note": "Respondents kept after the quality checks (see {exclusions}), "
                            "per population and wave; each brand's base is in the sheets "
                            "{scorecards} and {scores}.",
        "contents_title": "Contents", "logo_alt": "{study} logo",
        "date": "{day} {month} {year}", "day_one": "1",
    },
    "contents": {
        "overview": "This page: the study, the key findings and this list.",
        "scorecards": "One card per brand: each index with its interval, change, gap to the "
                      "peer average and quadrant; its strongest drivers.",
        "summary": "Every brand's headline scores side by side, with the growth grid.",
        "scores": "Every score by brand and wave (indices, dimensions, pillars, scales) with "
                  "its interval and base.",
        "trend": "Each index wave by wave: the change and whether it is significant.",
        "items": "Each question: the share of each answer, top box, net and score.",
        "reliability": "Whether each set of questions measures one thing consistently.",
        "drivers": "What drives loyalty and preference: each driver's importance, "
                   "performance and priority.",
        "exclusions": "Every response left out and why; rows read, scored and excluded per "
                      "file.",
        "methodology": "How the scores are made, every setting used, a glossary and the "
                       "input files.",
    },
    "months": {"1": "January", "2": "February", "3": "March", "4": "April", "5": "May",
               "6": "June", "7": "July", "8": "August", "9": "September", "10": "October",
               "11": "November", "12": "December"},
    "methodology": {
        "s_glossary": "Glossary", "s_presentation": "Presentation of the report",
        "s_other": "Other settings",
        "sub_plain": "Everything needed to read and to reproduce these numbers. Each setting: "
                     "its value, what it does and, in grey, its name in the study file.",
        "ip_rule": "Importance on x, performance (score100) on y, crosshairs at the means. A "
                   "driver gets a priority only when its importance interval and its "
                   "performance interval both lie wholly on one side of the means: "
                   "{concentrate} (important, low performance), {keep} (important, high "
                   "performance), {low} (less important, low performance), {overkill} (less "
                   "important, high performance); otherwise: {unclear}.",
        "unclear": "No clear priority",
    },
    "settings": {
        # [index]
        "cx_method": "CX index", "bx_method": "BX", "lam": "Customer score C",
        "share_non_customer": "TX score", "min_customers_for_weights": "CX weights need",
        "nps_item": "NPS", "bands": "Bands",
        # [quality]
        "duplicates": "Duplicate respondents", "out_of_range": "Answers outside the scale",
        "no_answers": "Rows with no scored answer", "speeders": "Speeders",
        "speeder_column": "Interview duration", "speeder_seconds": "Shortest interview kept",
        "speeder_median_share": "Shortest interview kept, against the median",
        "straightliners": "Straight-liners", "straightline_min_items": "Grid size checked",
        "grids": "Grids checked", "incomplete": "Incomplete interviews",
        "incomplete_min_share": "Share of required questions answered",
        "incomplete_items": "Required questions", "incomplete_finished": "Unfinished interviews",
        "attention_checks": "Attention checks", "test_responses": "Test responses",
        "test_column": "Column marking tests", "test_values": "Values marking tests",
        # [report]
        "confidence": "Confidence level", "bootstrap": "Bootstrap resamples",
        "seed": "Random seed", "suppress_below": "Suppressed below",
        "low_base_below": "Low base below", "caution_below": "Caution below",
        "peer_min_base": "Peer average: brands from", "language": "Language",
        "multiple_testing": "Multiple testing",
        "bootstrap_exact_max": "Exact resampling up to", "paper": "Paper",
        "logo": "Logo", "brand_colors": "Brand colours", "focus_brand": "Focus brand",
        "deck": "Slide deck", "deck_template": "Slide template",
        "clusters": "Unit of the intervals",
    },
    "settings_help": {
        "min_customers_for_weights": "With fewer customers, the CX dimensions are weighted "
                                     "equally instead of by their impact on loyalty.",
        "duplicates": "A respondent id seen twice: the first row is kept, the others "
                      "excluded.",
        "out_of_range": "A row with an answer code outside its scale is excluded.",
        "no_answers": "A row that answered none of the scored questions is excluded.",
        "speeders": "Interviews completed too fast to be read are excluded.",
        "speeder_column": "Where the interview's duration is read from.",
        "speeder_seconds": "A shorter interview counts as a speeder.",
        "speeder_median_share": "An interview shorter than this share of the file's median "
                                "duration counts as a speeder.",
        "straightliners": "The same answer to every question of a grid: the row is excluded.",
        "straightline_min_items": "Straight-lining is checked only on a grid with at least "
                                  "this many questions answered.",
        "grids": "The sets of questions checked for straight-lining.",
        "incomplete": "An interview that answered too few of the required questions is "
                      "excluded.",
        "incomplete_min_share": "Below this share of required questions answered, the "
                                "interview is incomplete (“Don't know” counts as answered).",
        "incomplete_items": "The questions the share is counted on.",
        "incomplete_finished": "An interview the survey tool marks as not finished is "
                               "excluded.",
        "attention_checks": "A row that fails an attention-check question is excluded.",
        "test_responses": "Survey previews and test interviews are excluded.",
        "test_column": "The column that marks a test interview.",
        "test_values": "The answers of that column that mark a test.",
        "confidence": "The level of every interval and of every significance test.",
        "bootstrap": "Intervals of the composite scores (CX, BX, C, N, TX): percentile "
                     "bootstrap, respondents resampled within population × wave × brand.",
        "seed": "Fixes the resampling: the same inputs give the same numbers.",
        "bootstrap_exact_max": "Cells with more respondents draw each resample's sums from "
                               "their normal approximation (same intervals, faster); 0: "
                               "always.",
        "suppress_below": "A cell whose effective base (n_eff) is below this shows no number.",
        "low_base_below": "Below this effective base a number is shown in grey italics: low "
                          "base.",
        "caution_below": "Below this effective base a number is shown in grey italics: read "
                         "with caution; the headlines do not cite it.",
        "peer_min_base": "Only brands with at least this effective base enter the peer "
                         "averages (growth grid, gaps to the peers).",
        "language": "The language of the workbook and the charts.",
        "paper": "The paper the sheets are set up to print on.",
        "logo": "The image shown on the Overview.",
        "brand_colors": "Each brand keeps one colour in every chart and table.",
        "focus_brand": "The client's brand: in bold and an accent colour, the others muted.",
        "deck": "A slide deck written beside the workbook.",
        "deck_template": "The presentation whose layouts and fonts the deck uses.",
        "clusters": "A person who rated several brands counts once in every interval and "
                    "test: all their answers are resampled together.",
        "bands": "The colour bands of the 0–100 scores (the NPS has none).",
    },
    "setting_values": {
        "on": "On", "off": "Off", "none": "None", "list_sep": ", ",
        "cx_method.loyalty_weighted": "Weighted by impact on loyalty",
        "cx_method.equal": "Equal weights", "cx_method.classic_net": "Classic net score",
        "bx_method.equal": "Equal weights",
        "bx_method.preference_weighted": "Weighted by impact on preference",
        "multiple_testing.none": "None", "multiple_testing.bh": "Benjamini–Hochberg",
        "clusters.respondent": "The respondent", "clusters.row": "Each brand rated",
        "language.en": "English", "language.fr": "French",
        "paper.a4": "A4", "paper.letter": "Letter",
        "paper_default": "{paper} (the language's default)",
        "lam": "λ = {value}", "share_non_customer": "s = {value}",
        "customers": "{n} customers", "resamples": "{n} resamples",
        "respondents": "{n} respondents", "items": "{n} questions", "seconds": "{n} s",
        "median": "{share} of the median", "n_eff": "n_eff {n}",
        "speeder_column.default": "The export's own duration column",
        "grids.default": "The questions of each scale",
        "incomplete_items.default": "Every question asked of the population",
        "test_column.default": "The export's Status column (Qualtrics)",
        "test_values.default": "Survey previews and tests of the survey tool",
        "brand_colors.default": "The standard palette",
        "deck_template.default": "txscore's own layout",
        "check": "{column}: {expected}", "color": "{brand} {color}",
    },
    "glossary": {
        "tx": "Total Experience: one 0–100 score per brand joining what customers and "
              "non-customers think of it: TX = s × N + (1 − s) × C, with s = {share}.",
        "customer_score": "What customers think of the brand, 0–100: their experience and "
                          "their view of the brand, C = λ × CX + (1 − λ) × BX customers, with "
                          "λ = {lam}.",
        "non_customer_score": "What non-customers think of the brand, 0–100: their brand "
                              "experience score (BX non-customers).",
        "cx": "Customer experience, 0–100: how customers rate the effectiveness, the ease and "
              "the emotion of dealing with the brand.",
        "bx_customers": "Brand experience among customers, 0–100: whether the brand comes "
                        "to mind, fits people like them and is trusted.",
        "bx_non_customers": "The same brand experience score among non-customers.",
        "nps": "Net Promoter Score: the share of customers answering 9 or 10 (promoters) "
               "minus the share answering 0 to 6 (detractors) to the 0–10 recommendation "
               "question; −100 to +100.",
        "score_term": "Score (0–100)",
        "score": "Every score runs from 0 (every answer at the bottom of the scale) to 100 "
                 "(every answer at the top).",
        "bands_term": "Score bands", "bands": "Each 0–100 score is coloured by its band: "
                                              "{bands}.",
        "grid_term": "Growth grid", "grid": "Each brand placed by its non-customer score (N) "
                                            "and its customer score (C) against the peer "
                                            "averages.",
        "Leading": "Customers and non-customers both rate the brand above the peer average.",
        "Plateauing": "Customers rate it above the peer average, non-customers below: it "
                      "keeps its customers but attracts few new ones.",
        "Churning": "Non-customers rate it above the peer average, customers below: it "
                    "attracts but risks losing its own customers.",
        "Lagging": "Customers and non-customers both rate it below the peer average.",
        "ip_term": "Priorities (importance–performance)",
        "ip": "Each driver of an index is placed by its importance (how much of the "
              "differences in the index it explains) and its performance (its score), "
              "against the means of the drivers.",
        "concentrate": "An important driver on which the brand performs below the mean: the "
                       "first place to act.",
        "keep": "An important driver on which the brand performs above the mean: protect it.",
        "low": "A less important driver with a performance below the mean.",
        "overkill": "A less important driver with a performance above the mean: effort could "
                    "go elsewhere.",
        "unclear": "A driver gets one of the four priorities only when its importance "
                   "interval and its performance interval both lie wholly on one side of the "
                   "means; otherwise the difference could be chance and it has no clear "
                   "priority.",
        "peer_term": "Peer average", "peer": "The mean of the brands whose effective base is "
                                             "at least {peer}.",
        "n_term": "n", "n": "The number of respondents behind a score, after the quality "
                            "checks.",
        "n_eff_term": "n_eff (effective base)",
        "n_eff": "The base the weights leave: (Σw)² / Σw². It equals n without weighting and "
                 "is smaller the more the weights vary; every interval and test uses it.",
        "interval_term": "Interval ({conf}% confidence)",
        "interval": "The range that holds the true score with {conf}% confidence; the "
                    "narrower, the more precise.",
        "bootstrap_term": "Bootstrap",
        "bootstrap": "The composite scores are computed again on {boot} samples of "
                     "respondents drawn with replacement; their spread gives the interval.",
        "significance_term": "Significant",
        "significance": "A change, or a gap to the peer average, is significant when its "
                        "p-value is below {alpha}: too large to be chance. The headlines cite "
                        "only significant changes on bases of at least {caution} (n_eff).",
        "p_term": "p-value",
        "p": "The probability of a difference at least this large if nothing had really "
             "changed.",
        "multiple_term": "Multiple testing",
        "multiple_none": "Many changes are tested at once, so a few look significant by "
                         "chance; this study tests each change on its own (no correction).",
        "multiple_bh": "Many changes are tested at once, so a few would look significant by "
                       "chance; this study controls the share of false findings "
                       "(Benjamini–Hochberg) within each table.",
        "suppressed": "Effective base below {suppress}: no number is shown.",
        "low_base": "Effective base below {low}: shown in grey italics; read with care.",
        "caution": "Effective base below {caution}: shown in grey italics; not cited in the "
                   "headlines.",
    },
}

FR: dict = {
    "sheets": {"overview": "Vue d’ensemble"},
    "text": {
        "cover_sub": "Rapport d’expérience totale (TX) : d’abord l’essentiel, puis les feuilles "
                     "qui le détaillent.",
        "cover_wave": "Vague", "cover_latest": "{wave} (précédente : {previous})",
        "cover_waves": "Toutes les vagues", "cover_fieldwork": "Terrain",
        "cover_field_wave": "{wave} : du {start} au {end}", "cover_brands": "Marques",
        "cover_date": "Date du rapport", "cover_bases": "Répondants retenus",
        "cover_total": "Total",
        "cover_bases_note": "Répondants conservés après les contrôles de qualité (voir "
                            "{exclusions}), par population et par vague ; la base de chaque "
                            "marque figure dans les feuilles {scorecards} et {scores}.",
        "contents_title": "Sommaire", "logo_alt": "Logo de {study}",
        "date": "{day} {month} {year}", "day_one": "1er",
    },
    "contents": {
        "overview": "Cette page : l’étude, l’essentiel des résultats et ce sommaire.",
        "scorecards": "Une fiche par marque : chaque indice avec son intervalle, son "
                      "évolution, son écart à la moyenne des marques et son quadrant ; ses "
                      "leviers les plus forts.",
        "summary": "Les scores principaux de toutes les marques côte à côte, avec la grille "
                   "de croissance.",
        "scores": "Tous les scores par marque et par vague (indices, dimensions, piliers, "
                  "échelles) avec leur intervalle et leur base.",
        "trend": "Chaque indice vague après vague : l’évolution et sa significativité.",
        "items": "Chaque question : la part de chaque réponse, le haut d’échelle, le net et le "
                 "score.",
        "reliability": "Si chaque ensemble de questions mesure bien une seule et même chose.",
        "drivers": "Ce qui porte la fidélité et la préférence : importance, performance et "
                   "priorité de chaque levier.",
        "exclusions": "Chaque réponse écartée et pourquoi ; lignes lues, notées et exclues "
                      "par fichier.",
        "methodology": "Comment les scores sont calculés, chaque paramètre utilisé, un "
                       "glossaire et les fichiers lus.",
    },
    "months": {"1": "janvier", "2": "février", "3": "mars", "4": "avril", "5": "mai",
               "6": "juin", "7": "juillet", "8": "août", "9": "septembre", "10": "octobre",
               "11": "novembre", "12": "décembre"},
    "methodology": {
        "s_glossary": "Glossaire", "s_presentation": "Présentation du rapport",
        "s_other": "Autres paramètres",
        "sub_plain": "Tout ce qu’il faut pour lire et reproduire ces chiffres. Pour chaque "
                     "paramètre : sa valeur, son effet et, en gris, son nom dans le fichier "
                     "d’étude.",
        "ip_rule": "Importance en abscisse, performance (score100) en ordonnée, repères aux "
                   "moyennes. Un levier ne reçoit une priorité que si son intervalle "
                   "d’importance et son intervalle de performance sont chacun entièrement "
                   "d’un côté des moyennes : {concentrate} (important, performance faible), "
                   "{keep} (important, performance élevée), {low} (moins important, "
                   "performance faible), {overkill} (moins important, performance élevée) ; "
                   "sinon : {unclear}.",
        "unclear": "Pas de priorité nette",
    },
    "settings": {
        "cx_method": "Indice CX", "bx_method": "BX", "lam": "Score clients C",
        "share_non_customer": "Score TX", "min_customers_for_weights": "Les poids CX exigent",
        "nps_item": "NPS", "bands": "Niveaux de score",
        "duplicates": "Répondants en double", "out_of_range": "Réponses hors échelle",
        "no_answers": "Lignes sans réponse notée", "speeders": "Répondants trop rapides",
        "speeder_column": "Durée de l’entretien",
        "speeder_seconds": "Entretien le plus court conservé",
        "speeder_median_share": "Entretien le plus court conservé, par rapport à la médiane",
        "straightliners": "Réponses en ligne droite",
        "straightline_min_items": "Taille de grille contrôlée",
        "grids": "Grilles contrôlées", "incomplete": "Entretiens incomplets",
        "incomplete_min_share": "Part des questions obligatoires répondues",
        "incomplete_items": "Questions obligatoires",
        "incomplete_finished": "Entretiens non terminés",
        "attention_checks": "Questions de contrôle d’attention",
        "test_responses": "Entretiens de test", "test_column": "Colonne signalant les tests",
        "test_values": "Valeurs signalant un test",
        "confidence": "Niveau de confiance", "bootstrap": "Rééchantillonnages bootstrap",
        "seed": "Graine aléatoire", "suppress_below": "Masqué en dessous de",
        "low_base_below": "Base faible en dessous de", "caution_below": "Prudence en dessous de",
        "peer_min_base": "Moyenne des marques : marques à partir de", "language": "Langue",
        "multiple_testing": "Tests multiples",
        "bootstrap_exact_max": "Rééchantillonnage exact jusqu’à", "paper": "Papier",
        "logo": "Logo", "brand_colors": "Couleurs des marques",
        "focus_brand": "Marque mise en avant", "deck": "Diaporama",
        "deck_template": "Modèle du diaporama",
        "clusters": "Unité des intervalles",
    },
    "settings_help": {
        "min_customers_for_weights": "Avec moins de clients, les dimensions CX sont pondérées "
                                     "à égalité et non selon leur effet sur la fidélité.",
        "duplicates": "Un identifiant de répondant vu deux fois : la première ligne est "
                      "conservée, les autres exclues.",
        "out_of_range": "Une ligne avec un code de réponse hors de son échelle est exclue.",
        "no_answers": "Une ligne qui n’a répondu à aucune question notée est exclue.",
        "speeders": "Les entretiens remplis trop vite pour avoir été lus sont exclus.",
        "speeder_column": "Où la durée de l’entretien est lue.",
        "speeder_seconds": "Un entretien plus court est jugé trop rapide.",
        "speeder_median_share": "Un entretien plus court que cette part de la durée médiane "
                                "du fichier est jugé trop rapide.",
        "straightliners": "La même réponse à toutes les questions d’une grille : la ligne "
                          "est exclue.",
        "straightline_min_items": "La ligne droite n’est contrôlée que sur une grille d’au "
                                  "moins ce nombre de questions répondues.",
        "grids": "Les ensembles de questions contrôlés.",
        "incomplete": "Un entretien qui a répondu à trop peu de questions obligatoires est "
                      "exclu.",
        "incomplete_min_share": "En dessous de cette part de questions obligatoires "
                                "répondues, l’entretien est incomplet (« Ne sait pas » compte "
                                "comme une réponse).",
        "incomplete_items": "Les questions sur lesquelles la part est calculée.",
        "incomplete_finished": "Un entretien que l’outil d’enquête marque comme non terminé "
                               "est exclu.",
        "attention_checks": "Une ligne qui échoue à une question de contrôle d’attention "
                            "est exclue.",
        "test_responses": "Les aperçus et entretiens de test sont exclus.",
        "test_column": "La colonne qui signale un entretien de test.",
        "test_values": "Les réponses de cette colonne qui signalent un test.",
        "confidence": "Le niveau de chaque intervalle et de chaque test de significativité.",
        "bootstrap": "Intervalles des scores composites (CX, BX, C, N, TX) : bootstrap "
                     "percentile, répondants rééchantillonnés au sein de chaque population × "
                     "vague × marque.",
        "seed": "Fixe le rééchantillonnage : les mêmes fichiers donnent les mêmes chiffres.",
        "bootstrap_exact_max": "Au-delà de ce nombre de répondants, les sommes de chaque "
                               "rééchantillonnage sont tirées de leur approximation normale "
                               "(mêmes intervalles, plus vite) ; 0 : toujours.",
        "suppress_below": "Une cellule dont la base effective (n_eff) est inférieure n’affiche "
                          "aucun chiffre.",
        "low_base_below": "En dessous de cette base effective, le chiffre est en italique "
                          "gris : base faible.",
        "caution_below": "En dessous de cette base effective, le chiffre est en italique "
                         "gris : à lire avec prudence ; l’essentiel ne le cite pas.",
        "peer_min_base": "Seules les marques d’au moins cette base effective entrent dans "
                         "les moyennes des marques (grille de croissance, écarts aux "
                         "marques).",
        "language": "La langue du classeur et des graphiques.",
        "paper": "Le format de papier des feuilles à l’impression.",
        "logo": "L’image affichée sur la vue d’ensemble.",
        "brand_colors": "Chaque marque garde une couleur dans tous les graphiques et "
                        "tableaux.",
        "focus_brand": "La marque du client : en gras et d’une couleur d’accent, les autres "
                       "atténuées.",
        "deck": "Un diaporama écrit à côté du classeur.",
        "deck_template": "La présentation PowerPoint dont le diaporama reprend les mises en "
                         "page et les polices.",
        "clusters": "Une personne qui a noté plusieurs marques compte une fois dans chaque "
                    "intervalle et chaque test : toutes ses réponses sont rééchantillonnées "
                    "ensemble.",
        "bands": "Les niveaux de couleur des scores 0–100 (le NPS n’en a pas).",
    },
    "setting_values": {
        "on": "Activé", "off": "Désactivé", "none": "Aucun", "list_sep": ", ",
        "cx_method.loyalty_weighted": "Pondéré par l’effet sur la fidélité",
        "cx_method.equal": "Poids égaux", "cx_method.classic_net": "Score net classique",
        "bx_method.equal": "Poids égaux",
        "bx_method.preference_weighted": "Pondéré par l’effet sur la préférence",
        "multiple_testing.none": "Aucune correction",
        "multiple_testing.bh": "Benjamini–Hochberg",
        "clusters.respondent": "La personne interrogée", "clusters.row": "Chaque marque notée",
        "language.en": "Anglais", "language.fr": "Français",
        "paper.a4": "A4", "paper.letter": "Lettre US",
        "paper_default": "{paper} (celui de la langue)",
        "lam": "λ = {value}", "share_non_customer": "s = {value}",
        "customers": "{n} clients", "resamples": "{n} rééchantillonnages",
        "respondents": "{n} répondants", "items": "{n} questions", "seconds": "{n} s",
        "median": "{share} de la médiane", "n_eff": "n_eff {n}",
        "speeder_column.default": "La colonne de durée de l’export",
        "grids.default": "Les questions de chaque échelle",
        "incomplete_items.default": "Toutes les questions posées à la population",
        "test_column.default": "La colonne Status de l’export (Qualtrics)",
        "test_values.default": "Aperçus et tests de l’outil d’enquête",
        "brand_colors.default": "La palette standard",
        "deck_template.default": "La mise en page de txscore",
        "check": "{column} : {expected}", "color": "{brand} {color}",
    },
    "glossary": {
        "tx": "Expérience totale : un score 0–100 par marque qui réunit l’avis des clients et "
              "celui des non-clients : TX = s × N + (1 − s) × C, avec s = {share}.",
        "customer_score": "Ce que les clients pensent de la marque, de 0 à 100 : leur "
                          "expérience et leur image de la marque, C = λ × CX + (1 − λ) × BX "
                          "clients, avec λ = {lam}.",
        "non_customer_score": "Ce que les non-clients pensent de la marque, de 0 à 100 : "
                              "leur score d’expérience de marque (BX non-clients).",
        "cx": "Expérience client, de 0 à 100 : comment les clients jugent l’efficacité, la "
              "facilité et l’émotion de leurs échanges avec la marque.",
        "bx_customers": "Expérience de marque chez les clients, de 0 à 100 : la marque "
                        "vient-elle à l’esprit, convient-elle à des gens comme eux, leur "
                        "inspire-t-elle confiance.",
        "bx_non_customers": "Le même score d’expérience de marque chez les non-clients.",
        "nps": "Net Promoter Score : la part des clients qui répondent 9 ou 10 (promoteurs) "
               "moins la part qui répond de 0 à 6 (détracteurs) à la question de "
               "recommandation notée de 0 à 10 ; de −100 à +100.",
        "score_term": "Score (0–100)",
        "score": "Chaque score va de 0 (toutes les réponses en bas de l’échelle) à 100 "
                 "(toutes en haut).",
        "bands_term": "Niveaux de score",
        "bands": "Chaque score 0–100 est coloré selon son niveau : {bands}.",
        "grid_term": "Grille de croissance",
        "grid": "Chaque marque placée selon son score non-clients (N) et son score clients "
                "(C) par rapport aux moyennes des marques.",
        "Leading": "Clients et non-clients jugent tous deux la marque au-dessus de la "
                   "moyenne des marques.",
        "Plateauing": "Les clients la jugent au-dessus de la moyenne des marques, les "
                      "non-clients au-dessous : elle garde ses clients mais en attire peu de "
                      "nouveaux.",
        "Churning": "Les non-clients la jugent au-dessus de la moyenne des marques, les "
                    "clients au-dessous : elle attire mais risque de perdre ses propres "
                    "clients.",
        "Lagging": "Clients et non-clients la jugent tous deux au-dessous de la moyenne des "
                   "marques.",
        "ip_term": "Priorités (importance–performance)",
        "ip": "Chaque levier d’un indice est placé selon son importance (sa part dans ce "
              "qui explique les écarts de l’indice) et sa performance (son score) par "
              "rapport à la moyenne des leviers.",
        "concentrate": "Un levier important sur lequel la marque est en dessous de la "
                       "moyenne : la première chose à améliorer.",
        "keep": "Un levier important sur lequel la marque est au-dessus de la moyenne : à "
                "préserver.",
        "low": "Un levier moins important, avec une performance en dessous de la moyenne.",
        "overkill": "Un levier moins important, avec une performance au-dessus de la "
                    "moyenne : l’effort pourrait porter ailleurs.",
        "unclear": "Un levier ne reçoit l’une des quatre priorités que si son intervalle "
                   "d’importance et son intervalle de performance sont chacun entièrement "
                   "d’un côté des moyennes ; sinon, l’écart pourrait être dû au hasard et il "
                   "n’a pas de priorité nette.",
        "peer_term": "Moyenne des marques",
        "peer": "La moyenne des marques dont la base effective atteint au moins {peer}.",
        "n_term": "n", "n": "Le nombre de répondants derrière un score, après les contrôles "
                            "de qualité.",
        "n_eff_term": "n_eff (base effective)",
        "n_eff": "La base que laisse la pondération : (Σw)² / Σw². Elle vaut n sans "
                 "pondération et diminue d’autant plus que les poids varient ; tous les "
                 "intervalles et tests l’utilisent.",
        "interval_term": "Intervalle (confiance à {conf} %)",
        "interval": "La plage qui contient le vrai score avec une confiance de {conf} % ; "
                    "plus elle est étroite, plus le score est précis.",
        "bootstrap_term": "Bootstrap",
        "bootstrap": "Les scores composites sont recalculés sur {boot} échantillons de "
                     "répondants tirés avec remise ; leur dispersion donne l’intervalle.",
        "significance_term": "Significatif",
        "significance": "Une évolution, ou un écart à la moyenne des marques, est "
                        "significative quand sa p-valeur est inférieure à {alpha} : trop "
                        "grande pour être due au hasard. L’essentiel ne cite que les "
                        "évolutions significatives sur des bases d’au moins {caution} "
                        "(n_eff).",
        "p_term": "p-valeur",
        "p": "La probabilité d’un écart au moins aussi grand si rien n’avait vraiment "
             "changé.",
        "multiple_term": "Tests multiples",
        "multiple_none": "Beaucoup d’évolutions sont testées à la fois, et quelques-unes "
                         "paraissent significatives par hasard ; cette étude teste chaque "
                         "évolution seule (sans correction).",
        "multiple_bh": "Beaucoup d’évolutions sont testées à la fois, et quelques-unes "
                       "paraîtraient significatives par hasard ; cette étude contrôle la "
                       "part de fausses découvertes (Benjamini–Hochberg) dans chaque "
                       "tableau.",
        "suppressed": "Base effective inférieure à {suppress} : aucun chiffre n’est affiché.",
        "low_base": "Base effective inférieure à {low} : en italique gris ; à lire avec "
                    "prudence.",
        "caution": "Base effective inférieure à {caution} : en italique gris ; l’essentiel "
                   "ne le cite pas.",
    },
}


FR = french_spaces(FR)
