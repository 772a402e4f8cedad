"""French and English texts of the engagement pages (French first).

``t(lang, key, **values)``; an unknown key shows itself, so a missing text is visible
in review rather than blank. ``why_text`` renders an inbox item's ``[code, value]``
reasons.
"""

from __future__ import annotations

from typing import Any

LANGS = ("fr", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "inbox": ("Boîte de réception", "Inbox"),
    "inbox.lead": (
        "Ce qui attend une réponse humaine, le plus important d'abord.",
        "What needs a human answer, most important first.",
    ),
    "drafts": ("Brouillons et validations", "Drafts and approvals"),
    "audit": ("Journal d'audit", "Audit log"),
    "templates": ("Réponses types", "Saved replies"),
    "new_post": ("Nouvelle publication", "New post"),
    "priority": ("Priorité", "Priority"),
    "reason": ("Motif", "Reason"),
    "status": ("Statut", "Status"),
    "assignee": ("Assigné à", "Assigned to"),
    "author": ("Auteur", "Author"),
    "text": ("Texte", "Text"),
    "sla": ("Délai de première réponse", "First-response time"),
    "why": ("Pourquoi", "Why"),
    "tags": ("Étiquettes", "Tags"),
    "open": ("Ouvrir", "Open"),
    "assign": ("Assigner", "Assign"),
    "save_tags": ("Enregistrer les étiquettes", "Save tags"),
    "close": ("Clore", "Close"),
    "reopen": ("Rouvrir", "Reopen"),
    "account": ("Compte officiel", "Official account"),
    "template": ("Réponse type", "Saved reply"),
    "use_template": ("Utiliser", "Use"),
    "draft_reply": ("Rédiger une réponse", "Draft a reply"),
    "submit": ("Soumettre pour validation", "Submit for approval"),
    "save_draft": ("Enregistrer le brouillon", "Save as draft"),
    "schedule": ("Programmer (heure de l'espace)", "Schedule (workspace time)"),
    "reply_settings": ("Qui peut répondre (X)", "Who can reply (X)"),
    "everyone": ("Tout le monde", "Everyone"),
    "approve": ("Valider", "Approve"),
    "refuse": ("Refuser", "Refuse"),
    "note": ("Commentaire", "Note"),
    "waiting": ("En attente de validation", "Waiting for approval"),
    "recent": ("Récents", "Recent"),
    "approvals": ("Validations", "Approvals"),
    "published_as": ("Publié : identifiant", "Published: id"),
    "no_items": ("Rien à traiter.", "Nothing to handle."),
    "no_accounts": (
        "Aucun compte officiel n'est déclaré pour cet espace : rien ne peut être publié.",
        "No official account is declared for this workspace: nothing can be published.",
    ),
    "collision": (
        "Attention : {names} consulte aussi cet élément en ce moment.",
        "Careful: {names} also has this item open right now.",
    ),
    "own_draft": (
        "Votre brouillon : un collègue doit le valider.",
        "Your draft: a colleague must approve it.",
    ),
    "chain_ok": (
        "Chaîne vérifiée : {n} entrées, tête {head}.",
        "Chain verified: {n} entries, head {head}.",
    ),
    "chain_broken": ("CHAÎNE ROMPUE : {problem}", "CHAIN BROKEN: {problem}"),
    "when": ("Quand", "When"),
    "who": ("Qui", "Who"),
    "action": ("Action", "Action"),
    "subject": ("Objet", "Subject"),
    "details": ("Détails", "Details"),
    "hash": ("Empreinte", "Hash"),
    "name": ("Nom", "Name"),
    "body": (
        "Texte (variables : {author}, {account}, {workspace})",
        "Text (variables: {author}, {account}, {workspace})",
    ),
    "save": ("Enregistrer", "Save"),
    "measures": ("Réactivité", "Responsiveness"),
    "answered_share": ("Part répondue", "Answered share"),
    "median": ("Délai médian (min)", "Median time (min)"),
    "within_sla": ("Dans le délai", "Within target"),
    "items": ("Éléments", "Items"),
    "answered": ("Répondus", "Answered"),
    "people": ("Personnes", "People"),
    "accounts": ("Comptes", "Accounts"),
    "lang_switch": ("English", "Français"),
    # statuses
    "st.new": ("nouveau", "new"),
    "st.assigned": ("assigné", "assigned"),
    "st.waiting_approval": ("en validation", "waiting approval"),
    "st.answered": ("répondu", "answered"),
    "st.closed": ("clos", "closed"),
    "st.draft": ("brouillon", "draft"),
    "st.waiting": ("en attente", "waiting"),
    "st.approved": ("validé, en file", "approved, queued"),
    "st.publishing": ("en cours de publication", "publishing"),
    "st.published": ("publié", "published"),
    "st.refused": ("refusé", "refused"),
    "st.failed": ("échec", "failed"),
    # reasons and why codes
    "r.question": ("question", "question"),
    "r.complaint": ("réclamation", "complaint"),
    "r.journalist": ("journaliste", "journalist"),
    "r.incident": ("incident en cours", "open incident"),
    "w.incident": ("dans l'alerte ouverte « {v} »", "in the open alert “{v}”"),
    "w.journalist": ("journaliste (liste {v})", "journalist (list {v})"),
    "w.complaint": ("réclamation ou ton négatif", "complaint or negative tone"),
    "w.question": ("question posée", "asks a question"),
    "w.addressed": ("adressé à {v}", "addressed to {v}"),
    "w.followers": ("{v} abonnés", "{v} followers"),
    "w.verified": ("compte certifié", "verified account"),
    "w.engagement": ("{v} interactions", "{v} interactions"),
    "w.negative": ("ton négatif", "negative tone"),
    # refusals (EngageError keys)
    "e.own_draft": (
        "Personne ne valide son propre brouillon : demandez à un collègue.",
        "Nobody approves their own draft: ask a colleague.",
    ),
    "e.no_approve_role": (
        "Votre rôle ({role}) ne permet pas de valider ici.",
        "Your role ({role}) cannot approve here.",
    ),
    "e.no_draft_role": (
        "Votre rôle ({role}) ne permet pas de rédiger ni de trier ici.",
        "Your role ({role}) cannot draft or triage here.",
    ),
    "e.no_refuse": (
        "Seul un valideur autre que l'auteur peut refuser un brouillon.",
        "Only an approver other than the author can refuse a draft.",
    ),
    "e.undeclared": (
        "{label} n'est pas un compte officiel déclaré : refusé et journalisé.",
        "{label} is not a declared official account: refused and audited.",
    ),
    "e.inactive": ("{label} n'est plus déclaré.", "{label} is no longer declared."),
    "e.other_workspace": (
        "{label} n'est pas déclaré pour l'espace {workspace}.",
        "{label} is not declared for workspace {workspace}.",
    ),
    "e.twice": ("Vous avez déjà validé ce brouillon.", "You have approved this draft already."),
    "e.not_waiting": (
        "Ce brouillon n'attend pas de validation.",
        "This draft is not waiting for approval.",
    ),
    "e.not_editable": (
        "Ce brouillon ne peut plus être modifié.",
        "This draft can no longer be edited.",
    ),
    "e.approved_once": (
        "Déjà validé par quelqu'un : refusez-le, puis modifiez-le.",
        "Already approved by someone: refuse it, then edit.",
    ),
    "e.too_long": (
        "{n} caractères : {platform} en accepte {limit}.",
        "{n} characters: {platform} allows {limit}.",
    ),
    "e.empty": ("Le texte est vide.", "The text is empty."),
    "e.past": ("L'heure programmée est passée.", "The scheduled time is in the past."),
    "e.platform": (
        "Cet élément est sur {platform} : répondez depuis un compte {platform}.",
        "This item is on {platform}: answer from a {platform} account.",
    ),
    "e.no_item": ("Aucun élément {id} dans cet espace.", "No inbox item {id} in this workspace."),
    "e.no_draft": ("Aucun brouillon {id} dans cet espace.", "No draft {id} in this workspace."),
    "e.bad_status": (
        "Seuls « clos » et « nouveau » se choisissent à la main.",
        "Only 'closed' or 'new' can be set by hand.",
    ),
    "sla.ok": ("reste {m} min", "{m} min left"),
    "sla.late": ("en retard de {m} min", "{m} min late"),
    "sla.met": ("répondu en {m} min", "answered in {m} min"),
    "sla.missed": ("répondu en {m} min (hors délai)", "answered in {m} min (late)"),
}


def t(lang: str, key: str, **values: Any) -> str:
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def why_text(lang: str, why: list[list[Any]]) -> list[str]:
    out = []
    for code, value in why:
        v = f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else value
        out.append(t(lang, f"w.{code}", v=v))
    return out


def sla_text(lang: str, state: str, minutes: float) -> str:
    return t(lang, f"sla.{state}", m=int(abs(minutes)))
