import TrickCore
import TrickLang

/// `DataLoader` over a `torch.utils.data.IterableDataset` (torch's `_IterableDatasetFetcher`):
/// each pass calls `iter(dataset)` and collates `batch_size` consecutive items (the last, shorter
/// batch kept unless `drop_last`); without `batch_size` the items come one by one. `shuffle=True`
/// is torch's ValueError; `len(loader)` is `len(dataset)` (batched: rounded as torch) when the
/// dataset has a `__len__`, else TypeError. Each pass draws the iterator's base seed from torch's
/// generator, as torch does.
extension DataLoaderBindings {
    static func isIterableDataset(_ v: Value, _ lib: Library) -> Bool {
        guard case .object(let o) = v, o.instanceClass != nil, o.special("__iter__") != nil,
              case .object(let m)? = try? lib.importModule("torch.utils.data.dataset"),
              let cls = (try? m.getter?("IterableDataset")) ?? m.attributes["IterableDataset"],
              let isinstance = lib.globals["isinstance"],
              let yes = try? lib.callValue(isinstance, Arguments([v, cls])) else { return false }
        return (try? yes.truthy()) ?? false
    }

    /// The loader object, or nil when the dataset is not an IterableDataset.
    static func iterableLoader(_ a: Bound, _ lib: Library) throws -> Value? {
        let dataset = a["dataset"]
        guard isIterableDataset(dataset, lib) else { return nil }
        if !a["shuffle"].isNone, try a.bool("shuffle") {
            throw RuntimeError("DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True", kind: "ValueError")
        }
        var batchSize: Int?
        if !a["batch_size"].isNone {
            let b = try a.int("batch_size")
            guard b > 0 else { throw RuntimeError("batch_size should be a positive integer value, but got batch_size=\(b)", kind: "ValueError") }
            batchSize = b
        }
        let dropLast = try a.bool("drop_last")
        let collateFn: Value? = a["collate_fn"].isNone ? nil : a["collate_fn"]
        var generator: TorchGenerator?
        if case .object(let g) = a["generator"], let t = g.payload as? TorchGenerator { generator = t }
        guard let iter = lib.globals["iter"], let next = lib.globals["next"], let len = lib.globals["len"] else {
            throw RuntimeError("iter() / next() / len() are missing", kind: "RuntimeError")
        }
        let o = BuiltObject(typeName: "DataLoader", attributes: [("dataset", dataset), ("batch_size", a["batch_size"]),
                                                                  ("drop_last", a["drop_last"]), ("generator", a["generator"])])
        o.repr = { "<torch.utils.data.dataloader.DataLoader object>" }
        o.method("__len__()") { _ in
            let n = try Convert.int(try lib.callValue(len, Arguments([dataset])))
            guard let b = batchSize else { return .int(n) }
            return .int(dropLast ? n / b : (n + b - 1) / b)
        }
        o.method("__iter__()") { _ in
            _ = (generator ?? TorchGenerator.global).randomInt64()   // _BaseDataLoaderIter._base_seed
            let items = try lib.callValue(iter, Arguments([dataset]))
            let end = BuiltObject(typeName: "object")
            var finished = false
            func pull() throws -> Value? {
                if finished { return nil }
                let v = try lib.callValue(next, Arguments([items, .object(end)]))
                if case .object(let x) = v, x === end { finished = true; return nil }
                return v
            }
            let source = BuiltObject(typeName: "_SingleProcessDataLoaderIter")
            source.method("__next__()") { _ in
                guard let b = batchSize else {
                    guard let item = try pull() else { throw RuntimeError("", kind: "StopIteration") }
                    return collateFn == nil ? defaultConvert(item) : try lib.callValue(collateFn!, Arguments([item]))
                }
                var batch: [Value] = []
                while batch.count < b, let item = try pull() { batch.append(item) }
                if batch.isEmpty || (batch.count < b && dropLast) { throw RuntimeError("", kind: "StopIteration") }
                if let f = collateFn { return try lib.callValue(f, Arguments([.list(batch)])) }
                return try DataLoaderBindings.collate(batch)
            }
            return try lib.callValue(iter, Arguments([.object(source)]))
        }
        return .object(o)
    }

    /// torch's `default_convert` (the collate of unbatched loading): tuples become lists, recursively.
    static func defaultConvert(_ v: Value) -> Value {
        switch v {
        case .tuple(let t): return .list(ListRef(t.map(defaultConvert)))
        case .list(let l): return .list(ListRef(l.items.map(defaultConvert)))
        default: return v
        }
    }
}
