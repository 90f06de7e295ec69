"""A two-hander staged by the 3D previz tests (engine and browser): Maya and Rafa in a diner booth."""

BOOTH = """Title: Booth

INT. DINER - NIGHT

MAYA (34), slim, long black hair, slides into a booth at the table.

MAYA
You said nine.

RAFA (40), stocky, bearded, sits down opposite her.

RAFA
I said I'd try.
"""
