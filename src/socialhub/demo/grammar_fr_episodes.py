"""French rules for the scripted episodes: outage, launch, campaign, article, controversy.

Episode context slots: ``city`` (an affected city), ``comp``/``comp_product`` (the
launching competitor), ``title``/``link`` (the journalist's article), ``ctag`` (the
controversy hashtag), ``clink`` (the controversy link).
"""

from __future__ import annotations

# fmt: off
RULES: dict[str, list[str]] = {
    # ---- network outage -------------------------------------------------------------
    "outage_complaint": [
        "{brand_at} {out_problem} {out_since} à {city} !! {out_anger} {?out_tags}",
        "Pas de réseau depuis ce matin à {city} {emo_neg} {out_tags}",
        "{out_tags} {out_problem} à {city} {out_since}, c'est quoi le problème ?",
        "{brand} en panne à {city} ? {out_problem} {out_since} {emo_neg} {?out_tags}",
        "Plus rien chez {brand} à {city}, ni fixe ni mobile. {out_anger} {out_tags}",
        "{brand_at} une panne à {city} ? {out_problem} et aucune info {emo_neg}",
        "{out_problem} à {city} {out_since}, en plein télétravail. {out_anger} {?out_tags}",
        "Toute la rue est coupée à {city}, {brand} ne répond pas. {out_tags}",
        "{city} : {out_problem} pour tout le quartier {out_since}. {out_tags} {emo_neg}",
        "{brand_at} {out_since} {out_problem} à {city}, impossible d'appeler les urgences ?! "
        "{out_tags}",
        "Panne {brand} à {city} : {out_problem}. {out_anger}",
        "Quelqu'un sait quand ça revient à {city} ? {out_problem} chez {brand} {?out_tags}",
    ],
    "out_problem": ["plus de réseau", "pas de réseau", "plus d'internet", "box éteinte",
                    "fibre coupée", "réseau mobile mort", "aucun signal", "plus de 4G ni de 5G",
                    "panne totale", "box qui clignote rouge"],
    "out_since": ["depuis ce matin", "depuis 7h", "depuis {hh}", "depuis 2 heures",
                  "depuis le réveil", "depuis 6h30"],
    "out_anger": ["Inadmissible.", "On fait comment pour bosser ?", "Aucune communication.",
                  "C'est une blague ?", "Et le SAV injoignable.", "Remboursement ?"],
    "out_tags": ["#MirabelleDown", "#MirabelleDown #panne", "#panne #Mirabelle",
                 "#MirabelleDown #{city_tag}", "#MirabelleDown"],
    "city_tag": ["Lyon", "Grenoble", "Villeurbanne", "panne"],
    "outage_official": [
        "Un incident technique affecte actuellement notre réseau fixe et mobile dans la région de "
        "{city}. Nos équipes sont mobilisées pour rétablir le service au plus vite. #MirabelleDown",
        "Point de situation : l'incident réseau sur {city} et ses environs est identifié. "
        "Nous vous tiendrons informés ici même. Toutes nos excuses.",
        "Nous sommes désolés pour la gêne occasionnée à {city}. Le rétablissement progressif "
        "est prévu en début d'après-midi.",
    ],
    "outage_official_end": [
        "Le service est progressivement rétabli à {city} et dans les communes voisines. "
        "Merci pour votre patience, et encore toutes nos excuses. 💜",
        "Fin d'incident : le réseau fonctionne de nouveau normalement à {city}. Un geste "
        "commercial sera proposé aux clients concernés.",
    ],
    "outage_news": [
        "Panne géante chez Mirabelle Télécom : {city} privée de réseau\n\nDepuis ce matin, des "
        "milliers d'abonnés de Mirabelle Télécom à {city} n'ont plus ni internet ni réseau mobile. "
        "L'opérateur évoque un « incident technique ». {body}",
        "{city} : la panne Mirabelle Télécom paralyse commerces et télétravailleurs\n\nLe hashtag "
        "#MirabelleDown s'est hissé en tête des tendances. Contacté, l'opérateur indique que "
        "ses équipes sont mobilisées. {body}",
        "Mirabelle Télécom : ce que l'on sait de la panne qui touche {city}\n\nL'incident a "
        "débuté vers 7h. {body} {body}",
    ],
    "outage_mp": [
        "Panne Mirabelle Télécom à {city} : des milliers d'habitants privés de réseau, y compris "
        "des numéros d'urgence. J'ai demandé des explications à l'opérateur. #MirabelleDown",
        "Je demande à @MirabelleTel un point précis sur la panne à {city} et un dédommagement "
        "des abonnés. Une question écrite sera déposée.",
    ],
    "reply_outage": [
        "Pareil à {city} {emo_neg}", "Ici aussi, rien depuis ce matin", "Toujours rien {emo_neg}",
        "Ça revient chez moi à {city} !", "Merci pour l'info", "Et le dédommagement ?",
        "Le 112 passe au moins ?", "Mon voisin chez {comp} a du réseau lui {emo_neg}",
        "#MirabelleDown toujours", "C'est revenu puis reparti {emo_neg}",
        "Ils disent début d'aprèm, on verra",
    ],
    # ---- competitor launch that fizzles --------------------------------------------
    "launch_official": [
        "Voici {comp_product} ! Un forfait qui s'adapte à vous, sans engagement, dès 9,99 €. "
        "Découvrez-le sur telvia.fr #TelviaFlex",
        "C'est le grand jour : {comp_product} est disponible partout en France {emo_pos} "
        "#TelviaFlex",
        "{comp_product} : vous ne payez que ce que vous consommez. Simple. #TelviaFlex",
    ],
    "launch_ceo": [
        "Fière de lancer {comp_product} aujourd'hui avec toutes les équipes de {comp}. "
        "Un forfait pensé pour la liberté. #TelviaFlex",
    ],
    "launch_reaction": [
        "{comp_product}, encore un forfait de plus {emo_neu}",
        "Vu la pub {comp_product}, je ne comprends pas trop l'intérêt",
        "{comp} sort {comp_product}, quelqu'un a compris le prix réel ?",
        "Bof, {comp_product} c'est {offer_comp} en plus cher",
        "{comp_product} ça a l'air pas mal pour les petits consommateurs",
        "Le lancement de {comp_product}, plutôt discret non ? #TelviaFlex",
        "Toujours chez {brand}, pas convaincu par {comp_product}",
    ],
    "offer_comp": ["un forfait classique", "le forfait de Nexo", "une offre d'il y a 5 ans"],
    "launch_news": [
        "Telvia lance {comp_product}, un forfait mobile « à la carte »\n\nL'opérateur Telvia "
        "a présenté ce matin {comp_product}, une offre sans engagement facturée à l'usage. {body}",
        "Avec {comp_product}, Telvia tente de relancer sa croissance\n\nSandrine Okafor-Lenoir, "
        "directrice générale de Telvia, mise sur la flexibilité. {body}",
    ],
    "reply_launch": ["Bof", "Et la couverture réseau ?", "Pas convaincu {emo_neu}",
                     "Combien après la première année ?", "Intéressant", "Encore un forfait…"],
    # ---- positive campaign -----------------------------------------------------------
    "campaign_official": [
        "Ce soir, on vous montre ce que veut dire vivre connecté. #MaVieEnMirabelle 💜",
        "Notre nouveau film est en ligne ! Partagez votre #MaVieEnMirabelle {emo_pos}",
        "Merci pour tous vos messages #MaVieEnMirabelle, vous êtes incroyables 💜",
    ],
    "campaign_praise": [
        "La nouvelle pub {brand} est trop belle {emo_pos} #MaVieEnMirabelle",
        "Ok j'ai pleuré devant la pub {brand} #MaVieEnMirabelle",
        "#MaVieEnMirabelle c'est la fibre au fond des Vosges chez mes grands-parents {emo_pos}",
        "La musique de la pub {brand}, quelqu'un a le titre ? #MaVieEnMirabelle",
        "Enfin une pub télé qui ne crie pas. Bravo {brand} {emo_pos}",
        "Ma #MaVieEnMirabelle : appels vidéo avec ma fille à {city} tous les soirs {emo_pos}",
        "Le spot {brand} pendant le film ce soir, {adj_pos} #MaVieEnMirabelle",
    ],
    "campaign_influencer": [
        "En partenariat avec {brand} : ma #MaVieEnMirabelle, c'est le live tous les soirs sans "
        "coupure {emo_pos} #partenariat",
        "#MaVieEnMirabelle : j'ai testé la Mirabelle Fibre pendant un mois, résultat en vidéo "
        "{link} #sponsorisé",
    ],
    "reply_campaign": ["Trop belle {emo_pos}", "J'adore", "#MaVieEnMirabelle 💜", "Bravo !",
                       "Pub réussie", "Et la fibre chez moi alors ? {laugh}", "Magnifique"],
    # ---- a journalist's article about the brand --------------------------------------
    "journalist_article": [
        "{title}\n\nSelon des documents consultés par notre rédaction, Mirabelle Télécom "
        "prévoit de fermer {n}0 boutiques et de renforcer ses centres d'appels à l'étranger. "
        "La direction, sollicitée, évoque une « adaptation aux usages ». {body} {body}",
    ],
    "journalist_share": [
        "Mon enquête : {title} {link}",
        "À lire ce matin : {title} {link}",
        "{title} — notre enquête {link} #Mirabelle",
    ],
    "journalist_reaction": [
        "Très intéressant papier sur Mirabelle Télécom {link}",
        "Les boutiques {brand} qui ferment, ça va faire mal dans les petites villes {link}",
        "Enquête à lire sur {brand} {link}",
        "Si c'est confirmé c'est un vrai tournant pour {brand} {link}",
        "{brand} ferme des boutiques ? Celle de {city} aussi ? {link}",
    ],
    "article_response": [
        "Contrairement à ce qui est écrit, aucune fermeture massive n'est prévue : nos boutiques "
        "évoluent, elles ne disparaissent pas. Nous avons proposé un entretien à la rédaction.",
    ],
    # ---- coordinated controversy -----------------------------------------------------
    "controversy_origin": [
        "EXCLUSIF : Mirabelle Télécom revendrait les données de localisation de ses abonnés à "
        "des assureurs. Les documents sont ici 👉 {clink} {ctag}",
    ],
    "controversy_cluster": ["{cl_pre}{cl_core} {clink} {ctag}{cl_end}"],
    "cl_pre": ["", "", "⚠️ ", "🚨 ", "A PARTAGER : ", "Incroyable : "],
    "cl_core": [
        "Mirabelle Télécom revend les données de localisation de ses abonnés à des assureurs !",
        "Mirabelle Télécom revend les données de localisation de ses abonnés aux assureurs !",
        "Mirabelle Télécom revend les données de localisation de ses clients à des assureurs !",
    ],
    "cl_end": ["", "", " Partagez !", " 😡", " Faites tourner", " #BoycottMirabelle"],
    "controversy_reaction": [
        "Si c'est vrai pour {brand} c'est grave, mais la source est sérieuse ? {ctag}",
        "Je résilie {brand} dès demain {emo_neg} {ctag}",
        "Quelqu'un a vérifié ce document sur {brand} ? Ça ressemble à un fake",
        "Bizarre, {n}0 comptes qui postent la même phrase sur {brand} en même temps {emo_neu}",
        "{brand_at} c'est vrai cette histoire de données vendues aux assureurs ?",
        "Les données de localisation chez {brand}, il faut une enquête {ctag}",
        "Encore une rumeur sur {brand}, le document a l'air trafiqué",
    ],
    "controversy_denial": [
        "Des publications affirment que nous revendons des données de localisation. C'est faux. "
        "Mirabelle Télécom ne vend aucune donnée personnelle de ses clients. Le document qui "
        "circule est un faux ; nous portons plainte.",
    ],
    "controversy_debunk": [
        "J'ai regardé le « document » sur Mirabelle qui circule : métadonnées incohérentes, logo "
        "d'une autre époque, et {n}0 comptes créés le mois dernier qui le postent à la seconde "
        "près. Prudence. {ctag}",
    ],
    "controversy_ceo": [
        "Je le dis clairement : Mirabelle Télécom n'a jamais vendu et ne vendra jamais les "
        "données de localisation de ses clients. Nous avons saisi la justice.",
    ],
    "controversy_news": [
        "Mirabelle Télécom visée par une rumeur sur la vente de données\n\nUne rumeur "
        "accusant Mirabelle Télécom de revendre des données de localisation s'est propagée "
        "mardi soir, portée par des dizaines de comptes au message identique. L'opérateur "
        "dément et annonce une plainte. {body}",
    ],
    "reply_controversy": [
        "Source ?", "C'est un fake, le document est grossier", "Scandaleux si c'est vrai {emo_neg}",
        "{ctag}", "Je résilie", "Attendez les faits avant de partager", "Des preuves ?",
        "Même message mot pour mot sur {n}0 comptes, ça sent la manip",
    ],
}
# fmt: on
