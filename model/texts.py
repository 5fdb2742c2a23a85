"""Every word the product shows, French first, English on the switch: one catalogue.

A module rather than gettext catalogues: two languages, a few hundred entries, keys that tests
can enumerate (every key has both languages, no French left in English mode) and no compile
step in CI. Pages take their words through `ui.texts.t`, the CLI, workbooks and reports through
`text(key, language)`; the model hands over keys and parameters, never sentences.
"""

from __future__ import annotations

from model.facts import BILLING, LIFECYCLE_STATUSES

Language = str  # "fr" or "en"
LANGUAGES = ("fr", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("Pilotage", "Pilotage"),
    "language": ("Langue", "Language"),
    "home": ("Accueil", "Home"),
    "imports": ("Imports", "Imports"),
    "section_steering": ("Pilotage", "Steering"),
    "section_data": ("Données", "Data"),
    "welcome_title": ("Bienvenue dans Pilotage", "Welcome to Pilotage"),
    "welcome_text": (
        "Pilotage relie le temps validé, le facturable, le facturé et l'encaissé à partir des "
        "exports que vous avez déjà (Odoo, FEC, outils de temps, Excel). La base est vide : "
        "chargez la société de démonstration pour voir l'outil en action, ou importez vos "
        "propres exports.",
        "Pilotage links validated time, billable, invoiced and cashed, from the exports you "
        "already have (Odoo, FEC, time trackers, Excel). The store is empty: load the demo "
        "company to see it at work, or import your own exports.",
    ),
    "welcome_reader": (
        "La base est encore vide : les tableaux de bord se rempliront quand la direction ou le "
        "comptable aura importé les exports.",
        "The store is still empty: the dashboards will fill once management or the accountant "
        "has imported the exports.",
    ),
    "load_demo": ("Charger la société de démonstration", "Load the demo company"),
    "go_import": ("Importer mes exports", "Import my exports"),
    "demo_loaded": ("Société de démonstration chargée.", "Demo company loaded."),
    "store_content": ("Contenu de la base", "What the store holds"),
    "next_steps": ("Par où commencer", "Where to start"),
    "next_overview": (
        "Les chiffres clés de la période et les alertes, les plus coûteuses d'abord.",
        "The period's key figures and the alerts, costliest first.",
    ),
    "next_diagnostic": (
        "Ce que chaque fuite coûte par an, en euros, et les leviers pour la réduire.",
        "What each leak costs a year, in euros, and the levers to reduce it.",
    ),
    "next_imports": (
        "Déposer vos propres exports (Odoo, FEC, outils de temps, modèle Pilotage).",
        "Drop your own exports (Odoo, FEC, time trackers, Pilotage template).",
    ),
    "recent_imports": ("Derniers imports", "Recent imports"),
    "upload": (
        "Déposez un ou plusieurs exports ({limit} Mo au plus par fichier)",
        "Drop one or more exports ({limit} MB at most per file)",
    ),
    "upload_button": ("Choisir des fichiers", "Choose files"),
    "upload_help": (
        "xlsx, xls, ods, csv ou txt : exports Odoo (français ou anglais), FEC, Kimai, Clockify, "
        "Toggl, Harvest, solidtime, modèle Pilotage, ou tout tableau (vous associerez ses "
        "colonnes) ; pdf ou xml : factures électroniques Factur-X, UBL ou CII.",
        "xlsx, xls, ods, csv or txt: Odoo exports (French or English), FEC, Kimai, Clockify, "
        "Toggl, Harvest, solidtime, the Pilotage template, or any table (you will map its "
        "columns); pdf or xml: Factur-X, UBL or CII e-invoices.",
    ),
    "kind": ("Type de données", "Kind of data"),
    "auto": ("Détection automatique", "Automatic detection"),
    "detected": ("Source détectée", "Detected source"),
    "rows_read": ("Lignes lues", "Rows read"),
    "added": ("Ajoutées", "Added"),
    "updated": ("Mises à jour", "Updated"),
    "removed": ("Remplacées", "Replaced"),
    "unchanged": ("Inchangées", "Unchanged"),
    "rejected": ("Refusées", "Rejected"),
    "errors": ("Erreurs", "Errors"),
    "notes": ("Remarques", "Notes"),
    "error_row": ("Ligne", "Row"),
    "error_column": ("Colonne", "Column"),
    "error_value": ("Valeur lue", "Value read"),
    "error_message": ("Problème", "Problem"),
    "more_errors": (
        "Les {shown} premières erreurs sur {count} : le rapport d'erreurs les donne toutes.",
        "The first {shown} errors of {count}: the error report gives them all.",
    ),
    "first_rows": ("Premières lignes", "First rows"),
    "allow_partial": (
        "Importer seulement les lignes valides (les lignes refusées restent dans le rapport)",
        "Import only the valid rows (rejected rows stay in the report)",
    ),
    "confirm": ("Confirmer l'import", "Confirm the import"),
    "waiting_writer": (
        "Un autre import ou une annulation est en cours sur cette base : celui-ci attend son "
        "tour, puis s'enregistrera.",
        "Another import or undo is running on this base: this one waits for its turn, "
        "then will be saved.",
    ),
    "cancel": ("Ignorer ce fichier", "Skip this file"),
    "error_report": ("Télécharger le rapport d'erreurs", "Download the error report"),
    "history": ("Historique des imports", "Import history"),
    "undo": ("Annuler l'import", "Undo the import"),
    "undo_pick": ("Import à annuler", "Import to undo"),
    "undo_choice": (
        "n° {id} — {file} — {when} par {user} — {added} ajoutée(s), {updated} mise(s) à jour, "
        "{removed} remplacée(s)",
        "no. {id} — {file} — {when} by {user} — {added} added, {updated} updated, "
        "{removed} replaced",
    ),
    "file_imported": (
        "Importé : lot n° {id} (voir l'historique ci-dessous).",
        "Imported: batch no. {id} (see the history below).",
    ),
    "undo_confirm": (
        "Annuler l'import n° {id}, « {file} », fait par {user} le {when} ? Ses {added} ligne(s) "
        "ajoutée(s) et {updated} mise(s) à jour seront retirées, et les {removed} ligne(s) qu'il "
        "avait remplacées reviendront.",
        "Undo import no. {id}, “{file}”, made by {user} on {when}? Its {added} added and "
        "{updated} updated row(s) will go, and the {removed} row(s) it replaced will come back.",
    ),
    "undo_yes": ("Oui, annuler cet import", "Yes, undo this import"),
    "undo_no": ("Non, le garder", "No, keep it"),
    "audit_title": ("Journal des modifications", "Change log"),
    "audit_help": (
        "Qui a importé, annulé, modifié un tableau ou un paramètre, géré un compte, et quand : "
        "chaque événement est écrit avec la modification elle-même.",
        "Who imported, undid, edited a table or a setting, managed an account, and when: each "
        "event is written together with the change itself.",
    ),
    "audit_at": ("Quand", "When"),
    "audit_user": ("Par", "By"),
    "audit_action": ("Action", "Action"),
    "audit_subject": ("Objet", "Subject"),
    "undone": ("Import n° {id} annulé : les données d'avant sont rétablies.",
               "Import #{id} undone: the previous data is back."),
    "no_history": ("Aucun import pour l'instant.", "No import yet."),
    "template": ("Modèle d'import Pilotage", "Pilotage import template"),
    "template_empty": ("Télécharger le modèle vide", "Download the empty template"),
    "template_filled": ("Télécharger le modèle rempli avec vos données",
                        "Download the template filled with your data"),
    "skipped": ("Fichier ignoré.", "File skipped."),
    "db_error": ("La base de données est inaccessible", "The database cannot be reached"),
    "overview": ("Vue d'ensemble", "Overview"),
    "period": ("Période : du {start} au {end}", "Period: {start} to {end}"),
    "tace": ("Taux de charge facturable (TACE)", "Billable utilisation (TACE)"),
    "unbilled_time": ("Temps non facturé", "Unbilled time"),
    "drifting_projects": ("Projets en dérive", "Drifting projects"),
    "dso": ("DSO (épuisement)", "DSO (countback)"),
    "alerts": ("Alertes, les plus coûteuses d'abord", "Alerts, costliest first"),
    "no_alert": ("Aucune alerte.", "No alert."),
    "how_computed": ("Comment est calculé ce chiffre ?", "How is this computed?"),
    "charge": ("Taux de charge", "Utilisation"),
    "projects": ("Vendu vs consommé", "Sold vs consumed"),
    "support": ("Support", "Support"),
    "receivables": ("Balance âgée & DSO", "Aged receivables & DSO"),
    "parameters": ("Paramètres", "Settings"),
    "workspaces": ("Dossiers", "Workspaces"),
    "workspace": ("Dossier", "Workspace"),
    "firm_base": ("Base de la société", "The firm's own base"),
    "workspaces_help": (
        "Un dossier par société auditée : sa propre base (imports, paramètres, journal), à côté "
        "de celle de la société. Choisissez dans la barre latérale celui où vous travaillez.",
        "One workspace per audited company: a store of its own (imports, settings, journal), "
        "beside the firm's. Choose in the sidebar the one you work in.",
    ),
    "workspace_none": ("Aucun dossier pour l'instant.", "No workspace yet."),
    "workspace_new": ("Nouveau dossier", "New workspace"),
    "workspace_name": ("Nom du dossier", "Workspace name"),
    "workspace_from_demo": (
        "Rempli de la société de démonstration", "Filled with the demo company"
    ),
    "workspace_create": ("Créer le dossier", "Create the workspace"),
    "workspace_created": ("Dossier « {name} » créé : vous y travaillez.",
                          "Workspace “{name}” created: you are working in it."),
    "workspace_open": ("Travailler dans ce dossier", "Work in this workspace"),
    "workspace_manage": ("Gérer un dossier", "Manage a workspace"),
    "workspace_pick": ("Dossier", "Workspace"),
    "workspace_new_name": ("Nouveau nom", "New name"),
    "workspace_rename": ("Renommer", "Rename"),
    "workspace_duplicate": ("Dupliquer sous ce nom", "Duplicate under this name"),
    "workspace_archive": ("Archiver", "Archive"),
    "workspace_restore": ("Désarchiver", "Restore"),
    "workspace_grant": ("Ouvrir à ce consultant", "Open to this consultant"),
    "workspace_consultant": ("Compte consultant", "Consultant account"),
    "workspace_delete": ("Supprimer…", "Delete…"),
    "workspace_delete_confirm": (
        "Supprimer le dossier « {name} » et toute sa base ? C'est définitif. Téléchargez d'abord "
        "son export final (le modèle Pilotage rempli de ses données), puis tapez son nom pour "
        "confirmer.",
        "Delete workspace “{name}” and its whole store? This cannot be undone. Download its final "
        "export first (the Pilotage template filled with its data), then type its name to confirm.",
    ),
    "workspace_final_export": ("Export final (.xlsx)", "Final export (.xlsx)"),
    "workspace_type_name": ("Nom du dossier, pour confirmer", "The workspace's name, to confirm"),
    "workspace_delete_now": ("Supprimer définitivement", "Delete for good"),
    "workspace_done": ("C'est fait.", "Done."),
    "workspace_table": ("Dossiers", "Workspaces"),
    "workspace_created_at": ("Créé le", "Created on"),
    "workspace_created_by": ("Par", "By"),
    "workspace_archived": ("Archivé", "Archived"),
    "workspace_consultants": ("Consultants", "Consultants"),
    "filters": ("Filtres", "Filters"),
    "preset": ("Période", "Period"),
    "this_month": ("Ce mois-ci", "This month"),
    "last_month": ("Mois dernier", "Last month"),
    "quarter": ("Trimestre en cours", "This quarter"),
    "last_12_months": ("12 derniers mois", "Last 12 months"),
    "custom": ("Personnalisée", "Custom"),
    "from": ("Du", "From"),
    "to": ("Au", "To"),
    "as_of": ("Date d'arrêté", "As-of date"),
    "as_of_help": (
        "Les périodes prédéfinies se terminent à cette date ; la balance âgée, le DSO et l'état "
        "des projets sont calculés à cette date.",
        "Preset periods end on this date; aged receivables, DSO and project status are computed "
        "at this date.",
    ),
    "team": ("Pôle", "Team"),
    "client": ("Client", "Client"),
    "all_teams": ("Tous les pôles", "All teams"),
    "all_clients": ("Tous les clients", "All clients"),
    "as_of_line": ("Date d'arrêté : {day}", "As-of date: {day}"),
    "indicator": ("Indicateur", "Indicator"),
    "value": ("Valeur", "Value"),
    "previous_value": ("Période précédente", "Previous period"),
    "change_value": ("Évolution", "Change"),
    "at_stake": ("Enjeu", "At stake"),
    "explained_on": ("Expliqué dans", "Explained on"),
    "download_lines": ("Télécharger ces lignes (Excel)", "Download these lines (Excel)"),
    "filters_line": ("Filtres : {team}, {client}", "Filters: {team}, {client}"),
    "exported_line": ("Exporté le {moment} par {user}", "Exported on {moment} by {user}"),
    "compared": ("Comparé à la période du {start} au {end}.", "Compared with {start} to {end}."),
    "compared_covered": (
        "Comparé à la période du {start} au {end} : la seule partie de la période précédente "
        "que couvrent les données.",
        "Compared with {start} to {end}: the only part of the previous period the data cover.",
    ),
    "no_comparison": (
        "Pas de comparaison : les données ne couvrent pas la période précédente ({start} – "
        "{end}).",
        "No comparison: the data do not cover the previous period ({start} – {end}).",
    ),
    "green": ("dans l'objectif", "on target"),
    "amber": ("à surveiller", "watch"),
    "red": ("alerte", "alert"),
    "download": ("Télécharger ce tableau (Excel)", "Download this table (Excel)"),
    "empty_store": (
        "La base est vide : chargez la société de démonstration ou importez vos exports depuis "
        "l'accueil.",
        "The store is empty: load the demo company or import your exports from the home page.",
    ),
    "no_data": ("Aucune donnée pour ces filtres.", "No data for these filters."),
    "no_invoices": (
        "Aucune facture importée : la balance âgée et le DSO se calculent sur les factures "
        "clients et leurs paiements. Importez l'export des factures d'Odoo (Facturation › "
        "Factures clients), votre FEC ou vos factures électroniques (Factur-X, UBL) dans Imports.",
        "No invoice imported: the aged balance and DSO are computed from customer invoices and "
        "their payments. Import Odoo's invoice export (Invoicing › Customer invoices), your FEC "
        "or your e-invoices (Factur-X, UBL) in Imports.",
    ),
    "no_open_items": (
        "Rien n'est dû au {day} pour ces filtres : toutes les factures sont réglées. Changez "
        "de client ou de date d'arrêté pour voir une autre balance.",
        "Nothing is owed on {day} for these filters: every invoice is settled. Pick another "
        "client or as-of date to see another balance.",
    ),
    "no_fixed_price": (
        "Aucun projet au forfait : Vendu vs consommé suit les projets vendus au forfait, avec "
        "leurs heures vendues. Importez l'export des projets d'Odoo ou des lignes de commande, "
        "ou remplissez l'onglet Projets du modèle Pilotage (mode « forfait »), ou ajoutez-les "
        "dans Paramètres › Projets.",
        "No fixed-price project: Sold vs consumed follows projects sold at a fixed price, with "
        "their sold hours. Import Odoo's project or sale order line export, or fill in the "
        "Pilotage template's Projects sheet (mode « forfait »), or add them in Settings › "
        "Projects.",
    ),
    "no_fixed_price_here": (
        "Aucun projet au forfait pour ces filtres : choisissez un autre client ou pôle.",
        "No fixed-price project for these filters: pick another client or team.",
    ),
    "sign_in_title": ("Connexion à Pilotage", "Sign in to Pilotage"),
    "sign_in": ("Se connecter", "Sign in"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "account_name": ("Nom du compte", "Account name"),
    "password": ("Mot de passe", "Password"),
    "password_again": ("Mot de passe, encore une fois", "Password, once more"),
    "passwords_differ": ("Les deux mots de passe diffèrent.", "The two passwords differ."),
    "session_expired": (
        "Votre session a expiré : reconnectez-vous.", "Your session has expired: sign in again."
    ),
    "signed_in_as": ("Connecté : {name} ({role})", "Signed in: {name} ({role})"),
    "first_account_title": ("Protéger l'accès", "Protect access"),
    "first_account_help": (
        "Aucun compte n'existe : Pilotage est ouvert à qui utilise cette machine. Créez le "
        "compte direction ; ensuite, chacun se connecte avec le sien.",
        "No account exists: Pilotage is open to whoever uses this machine. Create the "
        "management account; then everyone signs in with their own.",
    ),
    "create_account": ("Créer le compte direction", "Create the management account"),
    "no_account_remote": (
        "Pilotage est joignable depuis le réseau mais aucun compte n'existe : rien n'est servi. "
        "Sur le serveur, créez le premier compte : python -m model user add NOM --role "
        "direction.",
        "Pilotage can be reached from the network but no account exists: nothing is served. "
        "On the server, create the first account: python -m model user add NAME --role "
        "direction.",
    ),
    "internal_error": (
        "Pilotage a rencontré une erreur interne (n° {number}). Signalez ce numéro à votre "
        "administrateur : le détail est dans le journal du serveur.",
        "Pilotage met an internal error (no. {number}). Give this number to your "
        "administrator: the details are in the server's log.",
    ),
    "assumed_people": (
        "{count} collaborateur(s) absent(s) de la liste du personnel : contrat supposé de 35 h "
        "sur 5 jours depuis leur première ligne ({names}). Importez l'export des employés "
        "(Odoo, modèle Pilotage) ou confirmez-les dans Paramètres › Collaborateurs.",
        "{count} person(s) missing from the staff list: assumed contract of 35 h over 5 days "
        "from their first line ({names}). Import the employees export (Odoo, Pilotage "
        "template) or confirm them in Settings › Employees.",
    ),
    "assumed_projects": (
        "{count} projet(s) absent(s) de la liste des projets : régie supposée ({names}). "
        "Importez la liste des projets (Odoo, modèle Pilotage) ou confirmez-les dans "
        "Paramètres › Projets.",
        "{count} project(s) missing from the project list: time and materials assumed "
        "({names}). Import the project list (Odoo, Pilotage template) or confirm them in "
        "Settings › Projects.",
    ),
    "assumed_rows": (
        "Les {count} dernière(s) ligne(s), cochées « Supposé », sont déduites des temps saisis : "
        "pour en confirmer une, corrigez-la si besoin, décochez « Supposé » et enregistrez.",
        "The last {count} row(s), ticked « Assumed », come from the logged time: to confirm "
        "one, correct it if need be, untick « Assumed » and save.",
    ),
    "and_more": ("et {count} autre(s)", "and {count} more"),
    "data_quality": ("Qualité des données", "Data quality"),
    "timesheets_complete": ("Temps saisis complets à", "Logged time complete at"),
    "expected_weeks": ("Semaines attendues", "Weeks expected"),
    "weeks_with_time": ("Semaines saisies", "Weeks with time"),
    "complete_pct": ("Complet", "Complete"),
    "file": ("Fichier", "File"),
    "copies": ("Exemplaires", "Copies"),
    "fec_revenue": ("CA du FEC (70)", "FEC revenue (70)"),
    "invoices_untaxed": ("Factures HT", "Invoices excl. VAT"),
    "difference": ("Écart", "Difference"),
    "staff_list_cost": ("Coût horaire (personnel)", "Hourly cost (staff list)"),
    "timesheet_cost": ("Coût horaire (temps Odoo)", "Hourly cost (Odoo time)"),
    "quality_coverage": ("Semaines saisies par mois", "Weeks with time per month"),
    "quality_coverage_help": (
        "Pour chaque mois, les semaines où une personne devait travailler (d'après son contrat, "
        "congés et jours fériés déduits) et celles qui ont des temps saisis.",
        "For each month, the weeks a person was due to work (by their contract, less leave and "
        "public holidays) and those with logged time.",
    ),
    "quality_coverage_none": (
        "Aucune semaine attendue sur la période : ni personnel, ni temps saisis.",
        "No week expected over the period: no staff and no logged time.",
    ),
    "quality_missing_weeks": ("Semaines sans temps saisis", "Weeks without logged time"),
    "quality_missing_weeks_help": (
        "Les semaines où la personne avait des heures disponibles et n'a rien saisi : à "
        "réclamer avant de clore le mois.",
        "The weeks in which the person had hours available and logged nothing: to chase before "
        "closing the month.",
    ),
    "quality_missing_weeks_none": (
        "Chaque semaine attendue a des temps saisis.", "Every expected week has logged time."
    ),
    "quality_duplicates": ("Lignes de temps en double", "Duplicated time lines"),
    "quality_duplicates_help": (
        "Lignes sans identifiant écrites à l'identique plusieurs fois dans un même fichier : "
        "gardées telles quelles (deux lignes égales peuvent être deux vraies), à vérifier dans "
        "l'outil qui les a exportées.",
        "Lines without an id written alike several times in one file: kept as they are (two "
        "equal lines may be two real ones), to check in the tool that exported them.",
    ),
    "quality_duplicates_none": (
        "Aucune ligne sans identifiant en double.", "No line without an id written twice."
    ),
    "quality_revenue": (
        "Chiffre d'affaires du FEC et factures", "FEC revenue and invoices"
    ),
    "quality_revenue_help": (
        "Par mois, le chiffre d'affaires des comptes 70 du FEC à côté du montant HT des "
        "factures importées (avoirs déduits) : un écart signale une facture absente d'une des "
        "deux sources.",
        "Per month, the revenue of the FEC's accounts 70 beside the imported invoices' amount "
        "excluding VAT (credit notes deducted): a difference points at an invoice missing from "
        "one of the two sources.",
    ),
    "quality_revenue_none": (
        "Ni FEC ni factures sur la période.", "Neither FEC nor invoices over the period."
    ),
    "quality_costs": (
        "Coût des temps Odoo et coûts horaires", "Odoo time cost and hourly costs"
    ),
    "quality_costs_help": (
        "Par personne, le coût horaire que donnent les lignes de temps d'Odoo (Montant ÷ "
        "heures) à côté de celui de la liste du personnel : un écart dit qu'une des deux sources "
        "n'est pas à jour.",
        "Per person, the hourly cost Odoo's time lines give (Amount ÷ hours) beside the staff "
        "list's: a difference says one of the two sources is out of date.",
    ),
    "quality_costs_none": (
        "Aucune ligne de temps ne porte de coût.", "No time line carries a cost."
    ),
    "complete_line": (
        "Données complètes à {pct} sur la période", "Data {pct} complete over the period"
    ),
    "complete_help_timesheets": (
        "Part des semaines où chaque personne devait travailler (d'après son contrat, congés et "
        "jours fériés déduits) qui ont des temps saisis. Détail : Imports › Qualité des données.",
        "Share of the weeks each person was due to work (by their contract, less leave and "
        "public holidays) that have logged time. Details: Imports › Data quality.",
    ),
    "complete_help_invoices": (
        "Part du chiffre d'affaires du FEC (comptes 70) que couvrent les factures importées, "
        "mois par mois. Détail : Imports › Qualité des données.",
        "Share of the FEC's revenue (accounts 70) the imported invoices cover, month by month. "
        "Details: Imports › Data quality.",
    ),
    "assumed": ("Supposé", "Assumed"),
    "assumed_contract": ("Contrat supposé", "Assumed contract"),
    "no_team": ("Sans pôle", "No team"),
    "open_page": ("Voir", "Open"),
    "charge_pct": ("Taux de charge (heures client)", "Charge rate (client hours)"),
    "occupation": ("Occupation", "Occupation"),
    "untracked_h": ("Heures non saisies", "Untracked hours"),
    "client_filter_ignored": (
        "Le filtre client ne s'applique pas ici : la capacité est celle des collaborateurs.",
        "The client filter does not apply here: capacity belongs to the staff.",
    ),
    "overview_scope": (
        "Le filtre client ne s'applique pas à la vue d'ensemble : un taux de charge ou une part "
        "de temps non facturé se mesurent sur des collaborateurs. Les pages Vendu vs consommé, "
        "Support et Balance âgée montrent le client choisi.",
        "The client filter does not apply to the overview: utilisation and unbilled time are "
        "measured on people. The Sold vs consumed, Support and Aged receivables pages show the "
        "chosen client.",
    ),
    "heatmap": ("TACE par collaborateur et par mois", "TACE per employee and month"),
    "team_bars": ("TACE par pôle, seuils {red} % et {amber} %",
                  "TACE per team, thresholds {red}% and {amber}%"),
    "untracked_chart": ("Heures disponibles non saisies, par personne",
                        "Available hours not logged, per person"),
    "employee": ("Collaborateur", "Employee"),
    "month": ("Mois", "Month"),
    "capacity_h": ("Capacité (h)", "Capacity (h)"),
    "available_h": ("Disponible (h)", "Available (h)"),
    "worked_h": ("Saisi (h)", "Logged (h)"),
    "billable_h": ("Facturable (h)", "Billable (h)"),
    "productive_h": ("Client (h)", "Client (h)"),
    "status": ("État", "Status"),
    "pick_employee": ("Lignes de temps de", "Timesheet lines of"),
    "lines": ("Lignes sources", "Source lines"),
    "overtime_cost": ("Dépassement constaté", "Overrun so far"),
    "forecast_overrun_cost": ("Dépassement prévu (EAC)", "Forecast overrun (EAC)"),
    "fixed_price_projects": ("Projets au forfait", "Fixed-price projects"),
    "consumed_chart": ("Consommé en % du vendu, repères {amber} / {red} / {lost} %",
                       "Consumed as % of sold, marks {amber} / {red} / {lost}%"),
    "pick_project": ("Projet", "Project"),
    "burn_up": ("Consommation cumulée de « {project} »", "Burn-up of “{project}”"),
    "project": ("Projet", "Project"),
    "sold_h": ("Vendu (h)", "Sold (h)"),
    "consumed_h": ("Consommé (h)", "Consumed (h)"),
    "pct_consumed": ("Consommé (%)", "Consumed (%)"),
    "progress_pct": ("Avancement (%)", "Progress (%)"),
    "eac_h": ("Estimé à terminaison (h)", "Estimate at completion (h)"),
    "forecast_overrun_h": ("Dépassement prévu (h)", "Forecast overrun (h)"),
    "effective_rate": ("Taux effectif", "Effective rate"),
    "cumulative_h": ("Cumul consommé (h)", "Cumulative consumed (h)"),
    "support_unbilled": ("Support non facturé", "Support unbilled"),
    "support_excess": ("Heures au-delà du quota", "Hours over quota"),
    "quota_use": ("Utilisation du quota", "Quota use"),
    "support_rate": ("Taux effectif du support", "Support effective rate"),
    "support_chart": ("Heures de support par mois", "Support hours per month"),
    "pick_contract": ("Contrat", "Contract"),
    "no_contract": ("(hors contrat)", "(outside any contract)"),
    "packs": ("Packs d'heures prépayées", "Prepaid packs of hours"),
    "sla_title": ("Respect des SLA", "SLA respect"),
    "validation_title": ("Heures validées et à valider", "Hours validated and waiting"),
    "validation_help": (
        "Ce que la fin de mois attend encore : les heures saisies non validées (validation des "
        "feuilles de temps d'Odoo, export de Kimai, colonne « Validé » du modèle). « Inconnu » : "
        "la source ne dit pas si elles le sont.",
        "What month end still waits for: logged hours not yet validated (Odoo's timesheet "
        "validation, Kimai's export, the template's « Validé » column). « Unknown »: the source "
        "does not say.",
    ),
    "validated_h": ("Validées (h)", "Validated (h)"),
    "waiting_h": ("À valider (h)", "Waiting (h)"),
    "unknown_h": ("Inconnu (h)", "Unknown (h)"),
    "validated_pct": ("Part validée", "Validated share"),
    "sla_help": (
        "Tickets clos au plus tard à leur échéance SLA ÷ tickets échus, par contrat ; un ticket "
        "ouvert avant son échéance n'est pas encore compté.",
        "Tickets closed by their SLA deadline ÷ tickets due, per contract; a ticket open before "
        "its deadline is not counted yet.",
    ),
    "sla_due": ("Tickets échus", "Tickets due"),
    "sla_met": ("Dans les délais", "On time"),
    "sla_missed": ("Clos en retard", "Closed late"),
    "sla_open_late": ("Ouverts en retard", "Open past deadline"),
    "sla_respect": ("Respect du SLA", "SLA respect"),
    "sla_open_list": ("Tickets ouverts après leur échéance", "Tickets open past their deadline"),
    "ticket": ("Ticket", "Ticket"),
    "sla_deadline": ("Échéance SLA", "SLA deadline"),
    "opened_at": ("Ouvert le", "Opened on"),
    "no_support_time": (
        "Aucun temps de support sur la période : le support, ce sont les lignes d'un projet en "
        "mode support ou qui portent un ticket (export des temps d'Odoo avec sa colonne Ticket, "
        "ou modèle Pilotage). Les contrats viennent du modèle Pilotage ou de Paramètres › "
        "Contrats support.",
        "No support time in the period: support is the lines of a project in support mode or "
        "carrying a ticket (Odoo's timesheet export with its Ticket column, or the Pilotage "
        "template). Contracts come from the Pilotage template or Settings › Support contracts.",
    ),
    "packs_help": (
        "Heures achetées une fois, sans remise à zéro mensuelle ; date d'épuisement projetée au "
        "rythme des trois derniers mois.",
        "Hours bought once, with no monthly reset; run-out date projected at the pace of the "
        "last three months.",
    ),
    "prepaid_h": ("Heures prépayées", "Prepaid hours"),
    "used_h": ("Consommées", "Used"),
    "remaining_h": ("Restantes", "Remaining"),
    "burn_h_per_month": ("Consommation / mois (3 mois)", "Burn / month (3 months)"),
    "contract": ("Contrat", "Contract"),
    "included_h": ("Incluses (h)", "Included (h)"),
    "billed_h": ("Facturées (h)", "Billed (h)"),
    "non_billable_h": ("Non facturables (h)", "Non-billable (h)"),
    "unqualified_h": ("Non qualifiées (h)", "Unqualified (h)"),
    "hours_h": ("Total (h)", "Total (h)"),
    "quota_h": ("Quota (h)", "Quota (h)"),
    "excess_h": ("Au-delà du quota (h)", "Over quota (h)"),
    "unbilled_pct": ("Non facturé (%)", "Unbilled (%)"),
    "quota_use_pct": ("Quota utilisé (%)", "Quota used (%)"),
    "runout_date": ("Quota épuisé le (projection)", "Quota runs out on (projected)"),
    "cost_rate_ref": ("Coût horaire moyen de l'équipe : {rate}", "Team's mean hourly cost: {rate}"),
    "receivables_total": ("Créances clients (TTC)", "Receivables (incl. VAT)"),
    "overdue": ("Échu", "Overdue"),
    "penalties": ("Pénalités exigibles", "Late-payment penalties due"),
    "aged_chart": ("Balance âgée par client ({basis})", "Aged receivables per client ({basis})"),
    "basis_due_date": ("par date d'échéance", "by due date"),
    "basis_invoice_date": ("par date de facture", "by invoice date"),
    "dso_trend": ("DSO (méthode simple) en fin de mois, zones 45 et 60 jours",
                  "DSO (simple method) at month ends, 45 and 60-day bands"),
    "chase": ("À relancer en premier", "Chase first"),
    "disputed": ("Contesté", "Disputed"),
    "disputed_invoices": (
        "Factures contestées sur la plateforme", "Invoices contested on the platform"
    ),
    "disputed_help": (
        "Rejetées, refusées ou en litige d'après l'export des statuts de la plateforme de "
        "facturation électronique : comptées à part dans la balance âgée et jamais dans la liste "
        "à relancer. À régler avec le client (avoir, facture corrigée), pas à relancer.",
        "Rejected, refused or in dispute according to the e-invoicing platform's status export: "
        "counted apart in the aged balance and never in the chase list. To settle with the "
        "client (credit note, corrected invoice), not to chase.",
    ),
    "platform_status": ("Statut plateforme", "Platform status"),
    "status_date": ("Date du statut", "Status date"),
    "status_reason": ("Motif", "Reason"),
    "max_days_late": ("Retard max (j)", "Max days late"),
    "not_due": ("Non échu", "Not due"),
    "overdue_bucket": ("{bucket} j", "{bucket} d"),
    "unallocated": ("Non affecté", "Unallocated"),
    "total": ("Total", "Total"),
    "pick_client": ("Pièces ouvertes de", "Open items of"),
    "number": ("N°", "Number"),
    "invoice_date": ("Date de facture", "Invoice date"),
    "due_date": ("Échéance", "Due date"),
    "residual": ("Reste dû", "Amount due"),
    "currency": ("Devise", "Currency"),
    "residual_in_currency": ("Reste dû en devise", "Amount due in currency"),
    "item": ("Pièce", "Item"),
    "days_late": ("Jours", "Days"),
    "bucket": ("Tranche", "Bucket"),
    "settings_at_hand": ("Base et tranches (modifiables dans Paramètres)",
                         "Basis and buckets (change them in Settings)"),
    "date": ("Date", "Date"),
    "hours": ("Heures", "Hours"),
    "billing": ("Facturation", "Billing"),
    "task": ("Tâche", "Task"),
    "description": ("Description", "Description"),
    "category": ("Catégorie", "Category"),
    "dso_card": ("DSO (épuisement)", "DSO (countback)"),
    "cash": ("Trésorerie", "Cash"),
    "cash_opening": ("Solde d'ouverture", "Opening balance"),
    "cash_week13": ("Trésorerie à 13 semaines", "Cash in 13 weeks"),
    "cash_lowest": ("Point bas", "Lowest point"),
    "cash_last_month": ("Solde à l'horizon", "Balance at the horizon"),
    "scenario": ("Scénario", "Scenario"),
    "base": ("Base", "Base"),
    "pessimistic": ("Pessimiste", "Pessimistic"),
    "optimistic": ("Optimiste", "Optimistic"),
    "horizon_months": ("Horizon (mois)", "Horizon (months)"),
    "opening_title": ("Solde d'ouverture", "Opening balance"),
    "opening_help": (
        "Saisissez le solde de vos comptes bancaires à une date ; laissez la date vide pour "
        "reprendre les soldes des comptes 512 du FEC importé.",
        "Type your bank accounts' balance at a date; leave the date empty to use the balances "
        "of the 512 accounts of the imported FEC.",
    ),
    "opening_amount": ("Solde (€)", "Balance (€)"),
    "opening_day": ("Au", "On"),
    "save_opening": ("Enregistrer le solde", "Save the balance"),
    "confidence_band": ("Retards clients ± leur dispersion", "Client delays ± their spread"),
    "below_payroll": ("Alerte : fin {day}, le solde prévu passe sous la paie du mois "
                      "({payroll}).", "Alert: at the end of {day}, the forecast balance falls "
                      "below the month's payroll ({payroll})."),
    "opening_from": ("Ouverture : {source}. Point bas le {day}.",
                     "Opening: {source}. Lowest on {day}."),
    "closing_chart": ("Solde de fin de semaine par scénario ; pointillés : paie ({payroll})",
                      "Closing balance per week and scenario; dotted: the month's payroll "
                      "({payroll})"),
    "category_chart": ("Encaissements et décaissements par catégorie et par mois",
                       "Receipts and payments per category and month"),
    "receipts": ("Encaissements clients attendus", "Expected client receipts"),
    "amount": ("Montant", "Amount"),
    "first_date": ("Première date", "First date"),
    "last_date": ("Dernière date", "Last date"),
    "delay_days": ("Retard retenu (j)", "Delay used (d)"),
    "own_history": ("Historique propre", "Own history"),
    "items": ("Pièces", "Items"),
    "label": ("Libellé", "Label"),
    "receipts_of": ("Encaissements attendus de", "Expected receipts of"),
    "company_wide": ("(sans client)", "(no client)"),
    "flows_editor": ("Flux récurrents", "Recurring flows"),
    "what_if": ("Et si… ?", "What if…?"),
    "what_if_help": ("Les leviers que vous maîtrisez, et leur effet en euros sur le point bas et "
                     "le solde à l'horizon (scénario de base).",
                     "The levers you control, and their effect in euros on the lowest point and "
                     "the balance at the horizon (base scenario)."),
    "dso_gained": ("Jours de DSO gagnés", "Days of DSO gained"),
    "weekly_invoicing": ("Facturer chaque semaine au lieu de chaque mois",
                         "Invoice every week instead of every month"),
    "utilisation_points": ("Points de taux de charge en plus", "More utilisation points"),
    "lever": ("Levier", "Lever"),
    "lowest_effect": ("Effet sur le point bas", "Effect on the lowest point"),
    "closing_effect": ("Effet sur le solde à l'horizon", "Effect on the horizon balance"),
    "peak_gain": ("Gain le plus fort (semaine)", "Largest gain (week)"),
    "peak_week": ("Semaine du gain", "Week of the gain"),
    "lever_weeks": (
        "Ce que chaque levier ajoute au solde de fin de semaine",
        "What each lever adds to the end-of-week balance",
    ),
    "lever_weeks_help": (
        "Un levier avance l'encaissement : son effet se voit dans les semaines qu'il déplace, "
        "souvent plus à l'horizon ni au point bas quand celui-ci vient après.",
        "A lever brings cash forward: its effect shows in the weeks it moves, often no longer at "
        "the horizon, nor at the lowest point when that comes later.",
    ),
    "lever_dso_days_gained": ("DSO", "DSO"),
    "lever_weekly_invoicing": ("Facturation hebdomadaire", "Weekly invoicing"),
    "lever_utilisation_points": ("Taux de charge", "Utilisation"),
    "lever_all": ("Tous les leviers", "All levers"),
    "vs_actual": ("Prévision et réalisé", "Forecast and actual"),
    "save_forecast": ("Enregistrer cette prévision", "Save this forecast"),
    "forecast_saved": ("Prévision n° {id} enregistrée : comparez-la au réalisé après les prochains "
                       "imports.", "Forecast #{id} saved: compare it with the actual after the "
                       "next imports."),
    "pick_forecast": ("Prévision enregistrée", "Saved forecast"),
    "no_forecast": ("Aucune prévision enregistrée.", "No saved forecast."),
    "no_actual_yet": ("Aucune semaine de cette prévision n'est encore écoulée.",
                      "No week of this forecast has passed yet."),
    "week": ("Semaine du", "Week of"),
    "forecast_in": ("Encaissements prévus", "Forecast receipts"),
    "actual_in": ("Encaissements réels", "Actual receipts"),
    "forecast_out": ("Décaissements prévus", "Forecast payments"),
    "actual_out": ("Décaissements réels", "Actual payments"),
    "forecast_closing": ("Solde prévu", "Forecast balance"),
    "actual_closing": ("Solde réel", "Actual balance"),
    "inflows_miss": ("Écart encaissements", "Receipts miss"),
    "outflows_miss": ("Écart décaissements", "Payments miss"),
    "largest_misses": ("Plus gros écarts", "Largest misses"),
    "thresholds": ("Seuils et conventions", "Thresholds and conventions"),
    "edit_help": (
        "Modifiez les cellules ou ajoutez des lignes, puis enregistrez : les lignes sont "
        "vérifiées comme un import, reconnues par leur nom, et l'enregistrement apparaît dans "
        "l'historique des imports, où il peut être annulé. Montants en euros.",
        "Edit cells or add rows, then save: rows are checked like an import, matched on their "
        "name, and the save appears in the import history, where it can be undone. Amounts in "
        "euros.",
    ),
    "save_table": ("Enregistrer ce tableau", "Save this table"),
    "mapping_title": ("Associer les colonnes de ce fichier", "Map this file's columns"),
    "mapping_help": (
        "Pilotage ne reconnaît pas ce tableau. Indiquez quelle colonne du fichier correspond à "
        "chaque donnée (* : obligatoire) ; la correspondance est enregistrée et servira "
        "automatiquement pour tout fichier ayant ces colonnes.",
        "Pilotage does not recognise this table. Say which column of the file holds each piece "
        "of data (* : required); the mapping is saved and used automatically for any file with "
        "these columns.",
    ),
    "mapping_none": ("(aucune)", "(none)"),
    "mapping_name": ("Nom de la correspondance", "Mapping name"),
    "mapping_save": ("Enregistrer la correspondance", "Save the mapping"),
    "mapping_saved": (
        "Correspondance « {name} » enregistrée : le fichier est relu avec elle ci-dessous.",
        "Mapping “{name}” saved: the file is read again with it below.",
    ),
    "save_settings": ("Enregistrer les paramètres", "Save the settings"),
    "settings_unchanged": ("Aucun paramètre modifié.", "No setting changed."),
    "settings_saved": ("{count} paramètre(s) enregistré(s) ; les chiffres sont recalculés.",
                       "{count} setting(s) saved; the figures are recomputed."),
    # The KPI settings (Paramètres, `python -m model settings`).
    "setting.calendar.sick_reduces_available": (
        "Les arrêts maladie réduisent le disponible",
        "Sick leave reduces available time",
    ),
    "setting.calendar.alsace_moselle": (
        "Jours fériés d'Alsace-Moselle",
        "Alsace-Moselle public holidays",
    ),
    "setting.calendar.solidarity_day_worked": (
        "Lundi de Pentecôte travaillé (journée de solidarité)",
        "Whit Monday worked (solidarity day)",
    ),
    "setting.charge.red_pct": ("TACE : seuil rouge (%)", "Billable utilisation: red threshold (%)"),
    "setting.charge.amber_pct": (
        "TACE : seuil vert à partir de (%)",
        "Billable utilisation: green from (%)",
    ),
    "setting.charge.overload_pct": (
        "Occupation : surcharge au-delà de (%)",
        "Occupation: overload beyond (%)",
    ),
    "setting.projects.amber_pct": (
        "Forfait : seuil orange (% consommé)",
        "Fixed price: amber threshold (% consumed)",
    ),
    "setting.projects.red_pct": (
        "Forfait : seuil rouge (% consommé)",
        "Fixed price: red threshold (% consumed)",
    ),
    "setting.projects.unrecoverable_pct": (
        "Forfait : irrécupérable au-delà de (% consommé)",
        "Fixed price: unrecoverable beyond (% consumed)",
    ),
    "setting.projects.default_cost_rate_cents": (
        "Coût horaire par défaut (€)",
        "Default hourly cost (€)",
    ),
    "setting.support.prorate_partial_months": (
        "Support : quota au prorata des mois partiels",
        "Support: quota pro rata for partial months",
    ),
    "setting.support.red_unbilled_pct": (
        "Support : seuil rouge de la part non facturée (%)",
        "Support: red threshold of the unbilled share (%)",
    ),
    "setting.receivables.basis": (
        "Balance âgée : ancienneté comptée depuis",
        "Aged balance: age counted from",
    ),
    "setting.receivables.limits": (
        "Balance âgée : limites des tranches (jours)",
        "Aged balance: bucket limits (days)",
    ),
    "setting.receivables.penalty_rates": (
        "Taux des pénalités de retard : [[date d'effet, %], …]",
        "Late-payment penalty rates: [[effective date, %], …]",
    ),
    "setting.receivables.recovery_fee_cents": (
        "Indemnité forfaitaire de recouvrement (€)",
        "Fixed recovery indemnity (€)",
    ),
    "setting.dso.window_months": (
        "DSO : fenêtre de la méthode simple (mois)",
        "DSO: window of the simple method (months)",
    ),
    "setting.dso.max_months": (
        "DSO : limite de la méthode par épuisement (mois)",
        "DSO: limit of the count-back method (months)",
    ),
    "setting.dso.vat_rate_pct": (
        "Taux de TVA des travaux non facturés (%)",
        "VAT rate of unbilled work (%)",
    ),
    "setting.dso.amber_days": ("DSO : seuil orange (jours)", "DSO: amber threshold (days)"),
    "setting.dso.red_days": ("DSO : seuil rouge (jours)", "DSO: red threshold (days)"),
    "setting.leakage.realisation_untracked": (
        "Fuite : réalisation du temps non saisi",
        "Leakage: realisation of untracked time",
    ),
    "setting.leakage.realisation_other": (
        "Fuite : réalisation des autres classes",
        "Leakage: realisation of the other classes",
    ),
    "setting.leakage.default_rate_cents": (
        "Fuite : taux de vente par défaut (€)",
        "Leakage: default selling rate (€)",
    ),
    "setting.leakage.red_pct": ("Fuite : seuil rouge (%)", "Leakage: red threshold (%)"),
    "setting.leakage.financing_rate_pct": (
        "Diagnostic : taux de financement annuel de l'argent immobilisé (%)",
        "Diagnostic: yearly financing rate of money tied up (%)",
    ),
    "setting.cash.opening_cents": (
        "Trésorerie : solde d'ouverture saisi (€)",
        "Cash: opening balance entered (€)",
    ),
    "setting.cash.opening_date": (
        "Trésorerie : date du solde saisi (AAAA-MM-JJ ; vide : soldes 512 du FEC)",
        "Cash: date of the balance entered (YYYY-MM-DD; empty: the FEC's 512 balances)",
    ),
    "setting.cash.vat_mode": ("Trésorerie : régime de TVA", "Cash: VAT regime"),
    "setting.cash.vat_rate_pct": ("Trésorerie : taux de TVA (%)", "Cash: VAT rate (%)"),
    "setting.cash.vat_day": (
        "Trésorerie : jour de paiement de la TVA (mois suivant)",
        "Cash: VAT payment day (following month)",
    ),
    "setting.cash.invoicing": ("Trésorerie : rythme de facturation", "Cash: invoicing rhythm"),
    "setting.cash.payment_terms_days": (
        "Trésorerie : délai de paiement accordé (jours)",
        "Cash: payment terms granted (days)",
    ),
    "setting.cash.min_paid_invoices": (
        "Trésorerie : factures payées requises pour un retard par client",
        "Cash: paid invoices needed for a per-client delay",
    ),
    "setting.cash.max_overdue_days": (
        "Trésorerie : créances écartées au-delà de (jours de retard)",
        "Cash: receivables set aside beyond (days late)",
    ),
    "setting.cash.payroll_category": (
        "Trésorerie : catégorie des salaires (seuil d'alerte)",
        "Cash: payroll category (alert threshold)",
    ),
    "setting.cash.pessimistic_delay_days": (
        "Trésorerie pessimiste : retard ajouté (jours)",
        "Pessimistic cash: delay added (days)",
    ),
    "setting.cash.pessimistic_unbilled_share": (
        "Trésorerie pessimiste : part du non facturé encaissée",
        "Pessimistic cash: share of unbilled work cashed",
    ),
    # What a row must satisfy (model.facts' rules), after the cell as written in the file.
    "rule.future": (
        "est dans le futur, au-delà de la limite de {future_days} jours après aujourd'hui",
        "is in the future, beyond the limit of {future_days} days after today",
    ),
    "rule.too_old": (
        "est antérieure au {earliest}, la date la plus ancienne acceptée "
        "(PILOTAGE_EARLIEST_YEAR) : une faute de frappe dans l'année ?",
        "is before {earliest}, the earliest date accepted (PILOTAGE_EARLIEST_YEAR): a typo in "
        "the year?",
    ),
    "rule.over_24_hours": ("dépasse 24 heures sur une journée", "exceeds 24 hours in a day"),
    "rule.day_over_24_hours": (
        "porte le total de ce collaborateur ce jour-là au-delà de 24 heures "
        "(toutes ses lignes de ce jour dans le fichier)",
        "takes this person's total that day beyond 24 hours (all their lines of that day in "
        "the file)",
    ),
    "rule.day_negative": (
        "est négatif et le total de ce collaborateur ce jour-là devient négatif "
        "(une correction ne peut retirer que des heures saisies)",
        "is negative and this person's total that day becomes negative (a correction can only "
        "remove hours entered)",
    ),
    "rule.not_positive": ("doit être positif", "must be positive"),
    "rule.negative": ("est négatif", "is negative"),
    "rule.zero": ("est nul", "is zero"),
    "rule.between_0_100": ("doit être entre 0 et 100", "must be between 0 and 100"),
    "rule.between_0_80": ("doit être entre 0 et 80", "must be between 0 and 80"),
    "rule.between_1_31": ("doit être entre 1 et 31", "must be between 1 and 31"),
    "rule.due_before_invoice": (
        "est antérieure à la date de facture", "is before the invoice date"
    ),
    "rule.residual_over_total": (
        "dépasse le montant TTC de la facture", "exceeds the invoice's total incl. VAT"
    ),
    "rule.residual_sign": (
        "n'a pas le même signe que le montant TTC", "does not have the sign of the total incl. VAT"
    ),
    "rule.end_before_start": ("est antérieure à la date de début", "is before the start date"),
    "rule.siren": (
        "n'est pas un SIREN (attendu : 9 chiffres, ex. 552 100 554)",
        "is not a SIREN (expected: 9 digits, e.g. 552 100 554)",
    ),
    # Where the cash forecast's opening balance comes from.
    "opening.entered": ("saisi au {day}", "entered for {day}"),
    "opening.fec": ("comptes 512 du FEC au {day}", "the FEC's 512 accounts on {day}"),
    "opening.none": ("aucun solde bancaire : ouverture à 0", "no bank balance: opening at 0"),
    # The overview's alerts (model.views.headlines).
    "alert.project": (
        "Projet « {project} » : {pct} du temps vendu consommé, {hours} h au-delà du budget ≈ "
        "{cost}.",
        "Project “{project}”: {pct} of the sold time consumed, {hours} h over budget ≈ {cost}.",
    ),
    "alert.project_unrecoverable": (
        "Projet « {project} » : {pct} du temps vendu consommé (irrécupérable), {hours} h "
        "au-delà du budget ≈ {cost}.",
        "Project “{project}”: {pct} of the sold time consumed (unrecoverable), {hours} h over "
        "budget ≈ {cost}.",
    ),
    "diagnostic": ("Diagnostic", "Diagnostic"),
    "diag.total": ("Perdu par an", "Lost per year"),
    "diag.range": ("fourchette {low} – {high}", "range {low} – {high}"),
    "diag.period": (
        "Sur les 12 mois du {start} au {end}, chaque euro compté une fois.",
        "Over the 12 months from {start} to {end}, each euro counted once.",
    ),
    "diag.whole_firm": (
        "Le diagnostic chiffre toute la société : les filtres de pôle et de client ne s'y "
        "appliquent pas.",
        "The diagnostic prices the whole firm: the pôle and client filters do not apply to it.",
    ),
    "diag.trend": (
        "Temps non facturé et support donné, mois par mois (€)",
        "Unbilled time and support given away, month by month (€)",
    ),
    "diag.levers": ("Les leviers, et ce qu'ils rapportent", "The levers, and what they win back"),
    "diag.method": ("Méthode", "Method"),
    "diag.inputs": ("Données", "Inputs"),
    "diag.leak.unbilled_time": ("Temps non facturé", "Unbilled time"),
    "diag.leak.fixed_price_overruns": (
        "Dépassements des forfaits", "Fixed-price overruns"
    ),
    "diag.leak.support_given_away": ("Support donné", "Support given away"),
    "diag.leak.invoicing_delay": ("Retard de facturation", "Invoicing delay"),
    "diag.leak.dso_excess": ("Délai de paiement (DSO)", "Payment delay (DSO)"),
    "diag.leak.late_penalties": (
        "Pénalités de retard non réclamées", "Late-payment penalties not claimed"
    ),
    "diag.method.unbilled_time": (
        "Heures non saisies (disponible − saisi), non qualifiées et support hors périmètre non "
        "refacturé, au taux de vente de chacun, les heures non saisies comptées à ρ (toute heure "
        "manquante n'était pas facturable). Fourchette : ρ divisé par deux, ρ = 1.",
        "Untracked (available − logged), unqualified and out-of-scope support hours not rebilled, "
        "at each person's selling rate, untracked hours counted at ρ (not every missing hour was "
        "billable). Range: half of ρ, ρ = 1.",
    ),
    "diag.method.fixed_price_overruns": (
        "Forfaits travaillés sur la période : heures au-delà du vendu × coût horaire des "
        "personnes du projet. Haut de fourchette : le dépassement prévu à terminaison.",
        "Fixed-price projects worked on in the period: hours beyond sold × the hourly cost of "
        "the project's people. High end: the overrun forecast at completion.",
    ),
    "diag.method.support_given_away": (
        "Heures de support au-delà du quota des contrats, et « incluses » vendues nulle part, "
        "au taux de dépassement du contrat (sinon au taux de vente).",
        "Support hours beyond the contracts' quotas, and “included” sold nowhere, at the "
        "contract's overage rate (else the selling rate).",
    ),
    "diag.method.invoicing_delay": (
        "Chiffre d'affaires HT des 12 mois × délai moyen entre le travail et sa facture ÷ 365 × "
        "taux de financement. Fourchette : délai médian, 90e centile.",
        "Revenue excl. VAT over 12 months × mean delay between work and its invoice ÷ 365 × "
        "financing rate. Range: median delay, 90th percentile.",
    ),
    "diag.method.dso_excess": (
        "Chiffre d'affaires TTC des 12 mois × (DSO − objectif) ÷ 365 × taux de financement. "
        "Haut de fourchette : l'écart au meilleur DSO possible.",
        "Revenue incl. VAT over 12 months × (DSO − target) ÷ 365 × financing rate. High end: "
        "the gap to the best possible DSO.",
    ),
    "diag.method.late_penalties": (
        "Art. L441-10 : 40 € et les intérêts au taux des pénalités par facture payée en retard, "
        "dus par le client et non réclamés. Bas de fourchette : les factures ouvertes en retard "
        "seules ; sinon avec celles payées en retard sur 12 mois.",
        "Art. L441-10: €40 and interest at the penalty rate per invoice paid late, owed by the "
        "client and not claimed. Low end: the open late invoices alone; else with those paid "
        "late over 12 months.",
    ),
    "diag.input.untracked_h": ("Heures non saisies (h)", "Untracked hours (h)"),
    "diag.input.unqualified_h": ("Heures non qualifiées (h)", "Unqualified hours (h)"),
    "diag.input.unbilled_support_h": (
        "Support hors périmètre non refacturé (h)",
        "Out-of-scope support not rebilled (h)",
    ),
    "diag.input.untracked_realisation": (
        "ρ, part facturable d'une heure non saisie",
        "ρ, billable share of an untracked hour",
    ),
    "diag.input.leakage_pct_all_classes": (
        "Temps non facturé, quatre classes (% du disponible)",
        "Unbilled time, four classes (% of available)",
    ),
    "diag.input.available_h": ("Heures disponibles (h)", "Available hours (h)"),
    "diag.input.fixed_price_projects": (
        "Forfaits travaillés sur la période",
        "Fixed-price projects worked on",
    ),
    "diag.input.beyond_unrecoverable": (
        "Forfaits au-delà du seuil irrécupérable",
        "Projects beyond the unrecoverable threshold",
    ),
    "diag.input.overtime_h": ("Heures au-delà du vendu (h)", "Hours beyond sold (h)"),
    "diag.input.unrecoverable_pct": (
        "Seuil irrécupérable (% consommé)",
        "Unrecoverable threshold (% consumed)",
    ),
    "diag.input.unmanaged_included_h": (
        "Heures incluses non pilotées (h)",
        "Unmanaged included hours (h)",
    ),
    "diag.input.support_unbilled_pct": ("Support non facturé (%)", "Support unbilled (%)"),
    "diag.input.revenue_untaxed": (
        "Chiffre d'affaires HT des 12 mois (€)",
        "Revenue excl. VAT, 12 months (€)",
    ),
    "diag.input.mean_days": ("Délai moyen travail → facture (j)", "Mean delay work → invoice (d)"),
    "diag.input.median_days": ("Délai médian (j)", "Median delay (d)"),
    "diag.input.p90_days": ("90e centile du délai (j)", "90th percentile delay (d)"),
    "diag.input.after_month_end_days": (
        "Délai moyen fin du mois travaillé → facture (j)",
        "Mean delay end of worked month → invoice (d)",
    ),
    "diag.input.financing_rate_pct": (
        "Taux de financement annuel (%)",
        "Yearly financing rate (%)",
    ),
    "diag.input.revenue_total": (
        "Chiffre d'affaires TTC des 12 mois (€)",
        "Revenue incl. VAT, 12 months (€)",
    ),
    "diag.input.dso_days": ("DSO (j)", "DSO (d)"),
    "diag.input.target_days": ("Objectif de DSO (j)", "DSO target (d)"),
    "diag.input.best_possible_days": ("Meilleur DSO possible (j)", "Best possible DSO (d)"),
    "diag.input.open_late_invoices": ("Factures ouvertes en retard", "Open late invoices"),
    "diag.input.open_exposure": (
        "Pénalités sur les factures ouvertes (€)",
        "Penalties on open invoices (€)",
    ),
    "diag.input.paid_late_invoices": (
        "Factures payées en retard sur 12 mois",
        "Invoices paid late over 12 months",
    ),
    "diag.input.paid_late_exposure": (
        "Pénalités sur les factures payées en retard (€)",
        "Penalties on invoices paid late (€)",
    ),
    "diag.input.penalty_rate_pct": ("Taux des pénalités (%)", "Penalty rate (%)"),
    "diag.input.recovery_fee": (
        "Indemnité forfaitaire par facture (€)",
        "Flat recovery fee per invoice (€)",
    ),
    "report.period": (
        "Du {start} au {end}, arrêté au {as_of}", "From {start} to {end}, as of {as_of}"
    ),
    "report.by": ("Préparé par {by}", "Prepared by {by}"),
    "report.largest": ("Les trois fuites les plus coûteuses", "The three costliest leaks"),
    "report.per_year": ("par an", "per year"),
    "report.status.red": ("(rouge)", "(red)"),
    "report.status.amber": ("(orange)", "(amber)"),
    "report.status.green": ("(vert)", "(green)"),
    "report.lines": ("Les lignes qui comptent", "The lines that matter"),
    "report.appendix": ("Annexe : méthodes et paramètres", "Appendix: methods and settings"),
    "report.settings": ("Paramètres en vigueur", "Settings in force"),
    "report.line": ("Ligne", "Line"),
    "report.value": ("Valeur", "Value"),
    "report.setting": ("Paramètre", "Setting"),
    "report.sheet.unbilled_time": ("Temps non facturé", "Unbilled time"),
    "report.sheet.fixed_price_overruns": ("Dépassements", "Overruns"),
    "report.sheet.support_given_away": ("Support donné", "Support given away"),
    "report.sheet.invoicing_delay": ("Retard de facturation", "Invoicing delay"),
    "report.sheet.dso_excess": ("DSO", "DSO"),
    "report.sheet.late_penalties": ("Pénalités", "Penalties"),
    "report.company": ("Société auditée", "Audited company"),
    "report.period_label": ("Période", "Period"),
    "report.sheet.about": ("Rapport", "Report"),
    "report.consultant": ("Consultant", "Consultant"),
    "report.firm": ("Cabinet", "Firm"),
    "report.download_pdf": ("Télécharger le rapport (PDF)", "Download the report (PDF)"),
    "report.download_xlsx": ("Télécharger le rapport (Excel)", "Download the report (Excel)"),
    "report.title": ("Le rapport à remettre", "The report to hand over"),
    "diag_leak": ("Fuite", "Leak"),
    "diag.invoices": ("{count} facture(s) en retard", "{count} late invoice(s)"),
    "diag_eur": ("€ par an", "€ per year"),
    "diag_low": ("Bas de fourchette", "Low end"),
    "diag_high": ("Haut de fourchette", "High end"),
    "diag_figure": ("Indicateur", "Indicator"),
    "diag_lever": ("Levier", "Lever"),
    "diag_gain": ("Gain par an", "Gain per year"),
    "diag.sheet_levers": ("Leviers", "Levers"),
    "diag.sheet_trend": ("Tendance", "Trend"),
    "diag.lever.capped_quotes": (
        "Devis plafonnés et détaillés par lot (dépassements)",
        "Quotes with a cap and a breakdown (overruns)",
    ),
    "diag.lever.weekly_validated_time": (
        "Temps saisi chaque semaine et validé (retard de facturation)",
        "Time logged weekly and validated (invoicing delay)",
    ),
    "diag.lever.ticket_decision": (
        "Inclus ou facturé, décidé sur chaque ticket (support)",
        "Included or billed, decided on every ticket (support)",
    ),
    "diag.lever.invoicing_day_direct_debit": (
        "Un jour de facturation fixe et le prélèvement (DSO)",
        "A fixed invoicing day and direct debit (DSO)",
    ),
    "diag.lever.automatic_reminders": (
        "Relances automatiques (pénalités, DSO)", "Automatic reminders (penalties, DSO)"
    ),
    "digest.subject": (
        "Pilotage — {count} alerte(s) au {date}", "Pilotage — {count} alert(s) as of {date}"
    ),
    "digest.subject_none": (
        "Pilotage — aucune alerte au {date}", "Pilotage — no alert as of {date}"
    ),
    "digest.hello": ("Bonjour {name},", "Hello {name},"),
    "digest.intro": (
        "Les alertes de Pilotage au {date}, les plus coûteuses d'abord :",
        "Pilotage's alerts as of {date}, costliest first:",
    ),
    "digest.none": (
        "Aucune alerte au {date} : rien ne dépasse les seuils.",
        "No alert as of {date}: nothing is beyond the thresholds.",
    ),
    "digest.link": ("{page} : {url}", "{page}: {url}"),
    "digest.footer": (
        "Pilotage — {url} (résumé hebdomadaire ; chaque alerte s'ouvre sur la page qui l'explique)",
        "Pilotage — {url} (weekly digest; each alert opens on the page that explains it)",
    ),
    "alert.project_hours": (
        "Projet « {project} » : {pct} du temps vendu consommé, {hours} h au-delà du budget.",
        "Project “{project}”: {pct} of the sold time consumed, {hours} h over budget.",
    ),
    "alert.project_unrecoverable_hours": (
        "Projet « {project} » : {pct} du temps vendu consommé (irrécupérable), {hours} h "
        "au-delà du budget.",
        "Project “{project}”: {pct} of the sold time consumed (unrecoverable), {hours} h over "
        "budget.",
    ),
    "alert.support": (
        "Contrat de support « {contract} » : {pct} du temps non facturé, {hours} h au-delà du "
        "quota ≈ {cost} donnés.",
        "Support contract “{contract}”: {pct} of the time unbilled, {hours} h over the quota ≈ "
        "{cost} given away.",
    ),
    "alert.leakage": (
        "Temps non facturé : {pct} des heures disponibles ≈ {cost}.",
        "Unbilled time: {pct} of the available hours ≈ {cost}.",
    ),
    "alert.dso": (
        "DSO à {days} jours (> {red}) : {overdue} de créances échues à relancer.",
        "DSO at {days} days (> {red}): {overdue} of overdue receivables to chase.",
    ),
    "alert.cash": (
        "Trésorerie : fin {month}, le solde prévu ({balance}) passe sous la paie du mois "
        "({payroll}).",
        "Cash: at the end of {month} the forecast balance ({balance}) falls below the month's "
        "payroll ({payroll}).",
    ),
    # KPI explanations: how each one names its settings.
    "explain.lines_counted": ("{count} ligne(s) prises en compte.", "{count} line(s) counted."),
    "explain.settings": ("Paramètres : {settings}.", "Settings: {settings}."),
    "explain.realisation_untracked": ("réalisation temps non saisi",
                                      "realisation of untracked time"),
    "explain.realisation_other": ("réalisation autres classes",
                                  "realisation of the other classes"),
    "explain.basis": ("base", "basis"),
    "explain.limits": ("tranches", "buckets"),
    "explain.recovery_fee_cents": ("indemnité forfaitaire (€)", "recovery indemnity (€)"),
    "explain.vat_rate_pct": ("taux de TVA (%)", "VAT rate (%)"),
    "explain.vat_day": ("jour de paiement de la TVA", "VAT payment day"),
    "explain.opening_date": ("date du solde saisi", "date of the balance entered"),
    "explain.max_overdue_days": ("créances écartées au-delà de (jours)",
                                 "receivables left out beyond (days)"),
    "explain.payment_terms_days": ("délai de paiement accordé (jours)",
                                   "payment terms granted (days)"),
    "explain.payroll_category": ("catégorie des salaires", "payroll category"),
    "explain.sick_reduces_available": ("arrêts maladie déduits du disponible",
                                       "sick leave taken off available time"),
    "explain.alsace_moselle": ("jours fériés d'Alsace-Moselle", "Alsace-Moselle holidays"),
    "explain.solidarity_day_worked": ("lundi de Pentecôte travaillé", "Whit Monday worked"),
    "explain.penalty_rates": ("taux de pénalité % (depuis)", "penalty rate % (since)"),
    "explain.amber_pct": ("seuil orange (% consommé)", "amber threshold (% consumed)"),
    "explain.red_pct": ("seuil rouge", "red threshold"),
    "explain.unrecoverable_pct": ("irrécupérable au-delà de", "unrecoverable beyond"),
    "explain.prorate_partial_months": ("quota au prorata des mois partiels",
                                       "quota pro rata for partial months"),
    "explain.red_unbilled_pct": ("seuil rouge (part non facturée)",
                                 "red threshold (unbilled share)"),
    "explain.window_months": ("fenêtre (mois)", "window (months)"),
    "explain.max_months": ("limite (mois)", "limit (months)"),
    "explain.scenario": ("scénario", "scenario"),
    "explain.vat_mode": ("régime de TVA", "VAT regime"),
    "explain.invoicing": ("facturation", "invoicing"),
    "explain.unbilled_hours": ("travaux non facturés (h)", "unbilled work (h)"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
}  # fmt: skip

# The state first: whether an import still counts is what the history is read for.
BATCH_COLUMNS = {
    "id": ("N°", "#"),
    "status": ("État", "Status"),
    "created_at": ("Date", "Date"),
    "user": ("Par", "By"),
    "file_name": ("Fichier", "File"),
    "kinds": ("Données", "Data"),
    "added": ("Ajoutées", "Added"),
    "updated": ("Mises à jour", "Updated"),
    "removed": ("Remplacées", "Replaced"),
    "unchanged": ("Inchangées", "Unchanged"),
    "rejected": ("Refusées", "Rejected"),
    "undone_by": ("Annulé par", "Undone by"),
}
STATUS_LABELS = {"active": ("actif", "active"), "undone": ("annulé", "undone")}


# Codes stored in the facts and KPI frames, as people read them.
CODE_LABELS: dict[str, tuple[str, str]] = {
    **{code: (french, code.replace("_", " ")) for code, french in BILLING.items()},
    "ok": ("dans le budget", "within budget"),
    "green": ("dans l'objectif", "on target"),
    "amber": ("à surveiller", "watch"),
    "red": ("alerte", "alert"),
    "unrecoverable": ("irrécupérable", "unrecoverable"),
    "invoice": ("facture", "invoice"),
    "credit_note": ("avoir", "credit note"),
    "unallocated": ("paiement non affecté", "unallocated payment"),
    "support_included": ("support inclus", "support included"),
    "support_billed": ("support facturé", "support billed"),
    "support_non_billable": ("support non facturable", "support non-billable"),
    "support_unqualified": ("support non qualifié", "support unqualified"),
    "included_unmanaged": ("inclus hors contrat", "included, no contract"),
    "internal": ("interne", "internal"),
    "fixed_price": ("forfait", "fixed price"),
    "not_due": ("non échu", "not due"),
    "no_contract": ("hors contrat", "outside any contract"),
    "base": ("base", "base"),
    "pessimistic": ("pessimiste", "pessimistic"),
    "optimistic": ("optimiste", "optimistic"),
    "vat_encaissements": ("sur les encaissements", "on receipts"),
    "vat_debits": ("sur les débits", "on invoicing (débits)"),
    "vat_flux": ("flux saisis", "entered flows"),
    "monthly": ("mensuelle", "monthly"),
    "weekly": ("hebdomadaire", "weekly"),
    # Cash movements the forecast computes (recurring flows keep the category typed).
    "receivable": ("créances clients", "client receivables"),
    "credit_notes": ("avoirs", "credit notes"),
    "unbilled_work": ("travaux non facturés", "unbilled work"),
    "extra_production": ("production supplémentaire", "extra production"),
    "vat": ("TVA", "VAT"),
    # An e-invoice's status on the approved platform.
    **{code: (french, code.replace("_", " ")) for code, french in LIFECYCLE_STATUSES.items()},
}


def text(key: str, language: Language, **values: object) -> str:
    """The catalogue's sentence for `key` in `language`, with `{name}` fields filled in."""
    sentence = LABELS[key][LANGUAGES.index(language)]
    return sentence.format(**values) if values else sentence


def code_word(code: str, language: Language) -> str:
    """A code stored in the facts (`fixed_price`, `red`…) as people read it; unknown codes are
    returned as they are."""
    words = CODE_LABELS.get(code)
    return words[LANGUAGES.index(language)] if words else code
