"""Text edits a loader makes, and the offsets they move."""

from rag.load.text_edits import apply_edits, moved


def test_edits_are_made_in_order_and_offsets_after_them_move_by_what_they_added():
    text = "cat Utility\nkill Utility\n(optional)"
    edited, shifts = apply_edits(text, [(3, 4, " | "), (16, 17, " | "), (24, 25, " ")])
    assert edited == "cat | Utility\nkill | Utility (optional)"
    # each line's start, before the edits -> after them
    assert [moved(start, shifts) for start in (0, 12, 25)] == [0, 14, 29]
    assert edited[moved(12, shifts):].startswith("kill")


def test_a_removed_character_moves_the_offsets_after_it_back():
    edited, shifts = apply_edits("/run/\ncrond.pid", [(5, 6, "")])
    assert edited == "/run/crond.pid" and moved(6, shifts) == 5 and moved(5, shifts) == 5
    assert apply_edits("no edits", [])[0] == "no edits"
