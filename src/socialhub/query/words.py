"""Very common French and English words (folded), used to spot over-broad terms.

The linter warns about them and the matcher avoids them as routing triggers.
"""

from __future__ import annotations

_WORDS = """
    a ai as au aux avec c ca ce ces cet cette ceci cela d dans de des du elle elles en
    est et etait etre eu il ils j je l la le les leur leurs lui m ma mais me meme mes moi
    mon n ne nos notre nous on ont ou par pas plus pour qu que qui s sa sans se ses si son
    sont sur t ta te tes toi ton tu un une vos votre vous y ete fait faire tout tous tres
    bien aussi comme alors donc
    about after all also am an and any are at be been but by can could did do does for
    from had has have he her him his how i if in into is it its just me more my no not
    now of on one or our out over she so some than that the their them then there these
    they this to too up us was we were what when which who why will with would you your
"""

STOPWORDS = frozenset(_WORDS.split())
