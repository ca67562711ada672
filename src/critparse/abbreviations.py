"""(temporary) abbreviations: none yet."""
def find_abbreviations(text, criteria):
    return []
