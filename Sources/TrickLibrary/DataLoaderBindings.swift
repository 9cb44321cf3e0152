import TrickCore
import TrickLang

/// `torch.utils.data`: `TensorDataset(*tensors)` and `DataLoader(dataset, batch_size=1,
/// shuffle=False, drop_last=False, generator=None, collate_fn=None)` iterating batches, enough
/// for training loops and `update_bn` (issue 18). torch 2.4.1's order, draw for draw, from
/// torch's CPU generator (TrickCore/Tensor/TorchGenerator.swift): each pass over the loader draws
/// the iterator's base seed (`random_()` on the loader's generator, or torch's global one), then
/// a shuffled pass takes `randperm(n)` from a generator seeded by one more global draw (or from
/// the loader's generator, which also gives the sampler's trailing `randperm` that upstream draws
/// when the pass is exhausted). The default collate stacks tensors (a dataset of tuples gives a
/// list per field, as torch), numbers become an int64 / float64 tensor, dicts collate per key.
///
/// Batches are made one at a time as the pass is pulled (`iter(loader)` gives torch's lazy
/// iterator). Where trick differs: `num_workers` is accepted and ignored (one process gives the
/// same batches); `sampler` / `batch_sampler` are not supported.
enum DataLoaderBindings {
    final class Loader {
        /// `dataset[i]`, called as the sampler gives each index (as torch's fetcher calls it)
        let item: (Int) throws -> Value
        let count: Int
        let batchSize: Int?
        let shuffle: Bool
        let dropLast: Bool
        let generator: TorchGenerator?
        let collate: Value?
        init(item: @escaping (Int) throws -> Value, count: Int, batchSize: Int?, shuffle: Bool, dropLast: Bool,
             generator: TorchGenerator?, collate: Value?) {
            self.item = item; self.count = count; self.batchSize = batchSize; self.shuffle = shuffle
            self.dropLast = dropLast; self.generator = generator; self.collate = collate
        }

        /// `len(loader)`: batches per pass.
        var length: Int {
            guard let b = batchSize else { return count }
            return dropLast ? count / b : (count + b - 1) / b
        }

        /// One pass (torch's `_SingleProcessDataLoaderIter`): the iterator's base seed is drawn
        /// when it is made, the sampler's permutation at the first batch, and (with a loader
        /// generator) the sampler's trailing `randperm(n)[:0]` when the batch sampler asks for the
        /// index after the last — the pull that makes the last partial batch, or the one that ends
        /// the pass; a pass left early has not drawn it, as in torch.
        final class Pass {
            let loader: Loader
            var order: [Int]?
            var cursor = 0
            var exhausted = false

            init(_ loader: Loader) {
                self.loader = loader
                _ = (loader.generator ?? TorchGenerator.global).randomInt64()   // _BaseDataLoaderIter._base_seed
            }

            /// The sampler's next index, nil when it is exhausted (drawing the trailing randperm then).
            func nextIndex() throws -> Int? {
                if order == nil {
                    order = try loader.permutation()
                }
                guard cursor < order!.count else {
                    if !exhausted, loader.shuffle, let g = loader.generator { _ = try g.randperm(loader.count) }
                    exhausted = true
                    return nil
                }
                defer { cursor += 1 }
                return order![cursor]
            }

            /// The next batch (or item, without batch_size), nil at the end of the pass.
            func next(_ lib: Library) throws -> Value? {
                guard let b = loader.batchSize else {
                    guard let i = try nextIndex() else { return nil }
                    guard let f = loader.collate else { return try loader.item(i) }
                    return try lib.callValue(f, Arguments([try loader.item(i)]))
                }
                var batch: [Value] = []
                while batch.count < b, let i = try nextIndex() { batch.append(try loader.item(i)) }
                if batch.isEmpty || (batch.count < b && loader.dropLast) { return nil }
                if let f = loader.collate { return try lib.callValue(f, Arguments([.list(batch)])) }
                return try DataLoaderBindings.collate(batch)
            }
        }

        /// The sampler's order of one pass (drawing what torch's RandomSampler draws first).
        func permutation() throws -> [Int] {
            guard shuffle else { return Array(0..<count) }
            if let generator { return try generator.randperm(count) }
            let seed = TorchGenerator.global.randomInt64()
            return try TorchGenerator(seed: UInt64(seed)).randperm(count)
        }
    }

    static func register(_ lib: Library) {
        lib.function("TensorDataset(*tensors)", doc: "torch.utils.data.TensorDataset: item i is the tuple of each tensor's row i") { a in
            let ts = try a.varargs.enumerated().map { i, v -> Tensor in
                guard let t = try? Convert.tensor(v) else { throw RuntimeError("TensorDataset() argument \(i + 1) must be a tensor, got \(v.typeName)", kind: "TypeError") }
                guard t.rank > 0 else { throw RuntimeError("TensorDataset() argument \(i + 1) is a 0-d tensor (no rows)", kind: "ValueError") }
                return t
            }
            guard let n = ts.first?.shape[0] else { throw RuntimeError("TensorDataset() needs at least one tensor", kind: "TypeError") }
            guard ts.allSatisfy({ $0.shape[0] == n }) else {
                throw RuntimeError("Size mismatch between tensors", kind: "AssertionError")
            }
            let o = BuiltObject(typeName: "TensorDataset", attributes: [("tensors", .tuple(ts.map { .tensor($0) }))])
            o.repr = { "<torch.utils.data.dataset.TensorDataset object>" }
            o.method("__len__()") { _ in .int(n) }
            o.method("__getitem__(index)") { b in
                var i = try b.int("index")
                if i < 0 { i += n }
                guard i >= 0, i < n else { throw RuntimeError("index \(try b.int("index")) is out of bounds for dimension 0 with size \(n)", kind: "IndexError") }
                return .tuple(try ts.map { .tensor(try $0.subscripted([.int(i)])) })
            }
            return .object(o)
        }

        lib.function("DataLoader(dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None, multiprocessing_context=None, generator=None, prefetch_factor=None, persistent_workers=False, pin_memory_device='')",
                     doc: "torch.utils.data.DataLoader over a TensorDataset or a list: batches in torch's order (shuffle from torch's generator, seeded by torch.manual_seed or generator=torch.Generator().manual_seed(s))") { a in
            for key in ["sampler", "batch_sampler"] where a.has(key) {
                throw RuntimeError("DataLoader(\(key)=...) is not supported in trick; use shuffle / generator", kind: "NotImplementedError")
            }
            if let loader = try iterableLoader(a, lib) { return loader }   // an IterableDataset (DataLoaderIterable.swift)
            let (item, count) = try datasetItems(a["dataset"], lib)
            var batchSize: Int?
            if !a["batch_size"].isNone {
                let b = try a.int("batch_size")
                guard b > 0 else { throw RuntimeError("batch_size should be a positive integer value, but got batch_size=\(b)", kind: "ValueError") }
                batchSize = b
            }
            var generator: TorchGenerator?
            if case .object(let o) = a["generator"] {
                guard let g = o.payload as? TorchGenerator else {
                    throw RuntimeError("DataLoader() argument 'generator' must be a torch.Generator, got \(o.typeName)", kind: "TypeError")
                }
                generator = g
            } else if !a["generator"].isNone {
                throw RuntimeError("DataLoader() argument 'generator' must be a torch.Generator, got \(a["generator"].typeName)", kind: "TypeError")
            }
            let shuffle = a["shuffle"].isNone ? false : try a.bool("shuffle")
            let loader = Loader(item: item, count: count, batchSize: batchSize, shuffle: shuffle, dropLast: try a.bool("drop_last"),
                                generator: generator, collate: a["collate_fn"].isNone ? nil : a["collate_fn"])
            let o = BuiltObject(typeName: "DataLoader", attributes: [("dataset", a["dataset"]), ("batch_size", a["batch_size"]),
                                                                      ("drop_last", a["drop_last"]), ("generator", a["generator"])])
            o.repr = { "<torch.utils.data.dataloader.DataLoader object>" }
            o.method("__len__()") { _ in .int(loader.length) }
            o.method("__iter__()") { _ in
                // an iterator object pulling one batch at a time (iter() over a __next__-only pass)
                let pass = Loader.Pass(loader)
                let source = BuiltObject(typeName: "_SingleProcessDataLoaderIter")
                source.method("__next__()") { _ in
                    guard let v = try pass.next(lib) else { throw RuntimeError("", kind: "StopIteration") }
                    return v
                }
                guard let iter = lib.globals["iter"] else { throw RuntimeError("iter() is missing", kind: "RuntimeError") }
                return try lib.callValue(iter, Arguments([.object(source)]))
            }
            return .object(o)
        }

        let torch = lib.namespace("torch")
        torch.method("Generator(device='cpu')", doc: "torch.Generator: torch's CPU mt19937 (for DataLoader(generator=...)); .manual_seed(seed) returns it, .initial_seed()") { _ in
            let g = TorchGenerator(seed: 67280421310721)
            let o = BuiltObject(typeName: "Generator", payload: g)
            o.repr = { "<torch._C.Generator object>" }
            o.method("manual_seed(seed)") { [unowned o] b in
                g.seed(UInt64(bitPattern: Int64(try b.int("seed"))))
                return .object(o)
            }
            o.method("initial_seed()") { _ in .int(Int(truncatingIfNeeded: g.initialSeed)) }
            return .object(o)
        }
        // torch.manual_seed seeds torch's generator too (the DataLoader's draws), besides trick's stream
        if case .builtin(let old)? = lib.globals["manual_seed"] {
            let f = BuiltinFunction(old.signatureText, doc: old.doc + "; also torch's CPU generator (mt19937), which DataLoader shuffles draw from") { a in
                let r = try old.call(Arguments([a["seed"]]))
                TorchGenerator.global.seed(UInt64(bitPattern: Int64(try a.int("seed"))))
                return r
            }
            AutogradBindings.replace(lib, old, with: f)
            if torch.methods["manual_seed"] === old { torch.methods["manual_seed"] = f }
        }
    }

    /// A dataset's item fetcher and its length: a TensorDataset, a list or tuple, or an object
    /// with `__len__` / `__getitem__` (a class of the user's, `torch.utils.data.Dataset` or not).
    static func datasetItems(_ v: Value, _ lib: Library) throws -> ((Int) throws -> Value, Int) {
        switch v {
        case .list(let l): return ({ l.items[$0] }, l.items.count)
        case .tuple(let t): return ({ t[$0] }, t.count)
        case .object(let o):
            guard let len = o.special("__len__"), let get = o.special("__getitem__") else { break }
            let n = try Convert.int(try len.call(Arguments()))
            return ({ try get.call(Arguments([.int($0)])) }, n)
        default: break
        }
        throw RuntimeError("DataLoader() argument 'dataset' must be a TensorDataset, a list or an object with __len__ and __getitem__, got \(v.typeName)", kind: "TypeError")
    }

    static func collate(_ batch: [Value]) throws -> Value {
        guard let first = batch.first else { return .list([]) }
        switch first {
        case .tensor:
            return .tensor(try AutogradBindings.core { try Tensor.stack(try batch.map { try Convert.tensor($0) }) })
        case .int, .bool:
            return .tensor(Tensor(try batch.map { v -> Int64 in
                switch v {
                case .int(let i): return Int64(i)
                case .bool(let x): return x ? 1 : 0
                default: throw RuntimeError("default_collate: a batch mixes numbers with \(v.typeName)", kind: "TypeError")
                }
            }))
        case .float:
            return .tensor(Tensor(shape: [batch.count], float64: try batch.map { v in
                guard let d = Convert.double(v) else { throw RuntimeError("default_collate: a batch mixes numbers with \(v.typeName)", kind: "TypeError") }
                return d
            }))
        case .str: return .list(batch)
        case .tuple, .list:
            let rows = try batch.map { v -> [Value] in
                switch v {
                case .tuple(let x): return x
                case .list(let l): return l.items
                default: throw RuntimeError("default_collate: a batch mixes sequences with \(v.typeName)", kind: "TypeError")
                }
            }
            guard rows.allSatisfy({ $0.count == rows[0].count }) else {
                throw RuntimeError("each element in list of batch should be of equal size", kind: "RuntimeError")
            }
            return .list(try (0..<rows[0].count).map { j in try collate(rows.map { $0[j] }) })
        case .dict(let d):
            let out = DictRef()
            for k in d.keys {
                out[k] = try collate(try batch.map { v in
                    guard case .dict(let e) = v, let x = e[k] else { throw RuntimeError("default_collate: key \(Printer.repr(k)) missing from an item", kind: "KeyError") }
                    return x
                })
            }
            return .dict(out)
        default:
            if VariableObjects.variable(first) != nil {
                return VariableObjects.result(try AutogradBindings.core { try Variable.stack(try batch.map { try VariableObjects.operand($0, "batch item") }) })
            }
            throw RuntimeError("default_collate: batch must contain tensors, numbers, dicts or lists; found \(first.typeName)", kind: "TypeError")
        }
    }
}
