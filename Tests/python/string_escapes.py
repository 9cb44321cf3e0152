# String-literal escapes as Python reads them: \a \b \f \v, octal (up to three digits), \x, \u, \U,
# an unknown escape kept as written, raw strings untouched; json.dumps writes them back as Python's.
import json
s = 'a\b\f\v\a\0\12\177\1x\x41\u00e9\U0001F600\q'
print(len(s), [ord(c) for c in s])
print(r'\b\f', '\\b', len(r'\U0001F600'))
print(json.dumps(['a\b\f\x01\u00e9\U0001F600', {'k\n': 1}]))
print(json.dumps('\u00e9\U0001F600', ensure_ascii=False))
