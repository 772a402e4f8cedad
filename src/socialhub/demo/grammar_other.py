"""Spanish, Italian and German rules: the few percent of the stream in other languages."""

from __future__ import annotations

# fmt: off
RULES: dict[str, dict[str, list[str]]] = {
    "es": {
        "emo": ["😍", "😂", "🙄", "👍", "🔥", "😅"],
        "brand": ["Mirabelle", "Mirabelle Télécom", "@MirabelleTel"],
        "chatter": [
            "Hoy en {city} hace un tiempo {adj} {emo}",
            "¿Alguien sabe algo de {tema}? {emo}",
            "Primer día de vacaciones en {city}, todo {adj}",
            "Leyendo sobre {tema}, {frase}",
            "Mi hermana no para de hablar de {tema} {emo}",
            "{frase} {emo}",
        ],
        "tema": ["la huelga de trenes", "la nueva serie", "las vacaciones", "la comida francesa"],
        "frase": ["qué semana", "nada nuevo", "me encanta"],
        "adj": ["genial", "horrible", "increíble", "raro", "perfecto"],
        "brand_complaint": ["{brand} sin cobertura en {city} desde esta mañana {emo}",
                            "La tarjeta SIM de {brand} no funciona en {city}, ¿alguien más?"],
        "brand_praise": ["Compré una SIM de {brand} en {city}, funciona {adj} {emo}"],
        "plum": ["Mermelada de mirabelle de Lorena, {adj} {emo}"],
        "reply_chatter": ["Jajaja", "Totalmente", "¿En serio?", "Igual en {city}", "{emo}"],
    },
    "it": {
        "emo": ["😍", "😂", "🙄", "👍", "🔥", "😅"],
        "brand": ["Mirabelle", "Mirabelle Télécom", "@MirabelleTel"],
        "chatter": [
            "Oggi a {city} il tempo è {adj} {emo}",
            "Qualcuno sa qualcosa di {tema}? {emo}",
            "Weekend a {city}, tutto {adj}",
            "Sto leggendo di {tema}, {frase}",
            "Mia madre parla solo di {tema} {emo}",
            "{frase} {emo}",
        ],
        "tema": ["calcio", "cucina francese", "politica", "vacanze al mare"],
        "frase": ["che settimana", "niente di nuovo", "mi piace tanto"],
        "adj": ["fantastico", "orribile", "incredibile", "strano", "perfetto"],
        "brand_complaint": ["{brand} senza rete a {city} da stamattina {emo}",
                            "La SIM {brand} non va a {city}, qualcun altro?"],
        "brand_praise": ["SIM {brand} presa a {city}, funziona benissimo {emo}"],
        "plum": ["Crostata di mirabelle della Lorena, {adj} {emo}"],
        "reply_chatter": ["Ahahah", "Esatto", "Davvero?", "Anche a {city}", "{emo}"],
    },
    "de": {
        "emo": ["😍", "😂", "🙄", "👍", "🔥", "😅"],
        "brand": ["Mirabelle", "Mirabelle Télécom", "@MirabelleTel"],
        "chatter": [
            "Heute in {city}, Wetter {adj} {emo}",
            "Weiß jemand etwas über {thema}? {emo}",
            "Wochenende in {city}, alles {adj}",
            "Ich lese gerade über {thema}, {satz}",
            "Meine Schwester redet nur noch über {thema} {emo}",
            "{satz} {emo}",
        ],
        "thema": ["den Bahnstreik", "die neue Serie", "den Urlaub", "das Wetter"],
        "satz": ["was für eine Woche", "nichts Neues", "sehr spannend"],
        "adj": ["super", "furchtbar", "unglaublich", "seltsam", "perfekt"],
        "brand_complaint": ["Kein Netz mit {brand} in {city} seit heute Morgen {emo}",
                            "{brand} SIM funktioniert nicht in {city}, noch jemand?"],
        "brand_praise": ["{brand} Prepaid-SIM in {city} gekauft, läuft {adj} {emo}"],
        "plum": ["Mirabellenkuchen aus Lothringen, {adj} {emo}",
                 "Mirabellen vom Markt in {city}, {adj} {emo}"],
        "reply_chatter": ["Haha", "Genau", "Echt?", "Auch in {city}", "{emo}"],
    },
}
# fmt: on
