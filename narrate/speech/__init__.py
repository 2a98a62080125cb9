"""How it is said: written forms made speakable, the engines behind one protocol, and the loop that
turns sentences into cached clips. Uses only the hall's `models`, `errors`, `config` and `cache`.
"""
