# Vietnamese group thousands with a dot (1.234.568 ₫); Django's formats name the dot but
# leave amounts ungrouped.
NUMBER_GROUPING = 3
