/// The methods of the built-in lists, tuples, dicts and strings, by name. A call site resolves
/// its name once (`Chunk.methods`), so a call such as `d.get(k)` dispatches on a case instead of
/// comparing the name with each method's in turn.
enum MethodName: String, CaseIterable {
    // list (and the tuple's index, count)
    case append, extend, pop, insert, index, count, sort, reverse, copy, remove, clear
    // dict (pop, copy, clear above)
    case keys, values, items, get, update, setdefault, popitem
    // str (index, count above)
    case format, join, split, rsplit, strip, lstrip, rstrip, startswith, endswith, replace,
         upper, lower, find, rfind, splitlines, ljust, rjust, center, zfill,
         isdigit, isalpha, isalnum, isspace, title, capitalize, partition, encode

    static let table: [String: MethodName] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    static let list: [MethodName] = [.append, .extend, .pop, .insert, .index, .count, .sort, .reverse, .copy, .remove, .clear]
    static let dict: [MethodName] = [.keys, .values, .items, .get, .pop, .update, .setdefault, .copy, .clear, .popitem]
    static let str: [MethodName] = [.format, .join, .split, .rsplit, .strip, .lstrip, .rstrip, .startswith, .endswith, .replace,
                                    .upper, .lower, .find, .rfind, .count, .splitlines, .ljust, .rjust, .center, .zfill,
                                    .isdigit, .isalpha, .isalnum, .isspace, .title, .capitalize, .index, .partition, .encode]
    static let tuple: [MethodName] = [.index, .count]

    private static let dictSet = Set(dict)
    var isDictMethod: Bool { MethodName.dictSet.contains(self) }
}
