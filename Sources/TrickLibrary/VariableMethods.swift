import TrickCore
import TrickLang

/// The differentiable tensor methods of an autograd tensor (`x.sum()`, `x.relu()`, `x.view(2, -1)`,
/// `x.backward()`), with torch's signatures; `self` is the receiver. The torch functions of the
/// same name (`torch.exp(x)`, `torch.sum(x, 1)`) call these when an argument is an autograd
/// tensor (AutogradBindings.swift).
enum VariableMethods {
    nonisolated(unsafe) static var table: [String: BuiltinFunction] = [:]
    static var names: [String] { table.keys.sorted() }

    static func me(_ a: Bound, _ name: String = "self") throws -> Variable {
        try VariableObjects.operand(a[name], "\(a.function)() argument '\(name)'")
    }

    static let result = VariableObjects.result

    static func define(_ sig: String, doc: String = "", _ body: @escaping (Variable, Bound) throws -> Value) {
        let f = BuiltinFunction(sig, doc: doc) { a in
            do { return try body(try me(a), a) } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
        }
        table[f.name] = f
    }

    /// Sizes as varargs or one sequence (`view(2, -1)`, `view((2, -1))`).
    static func sizes(_ a: Bound, _ keyword: String) throws -> [Int] { try TensorBindings.sizes(a, keyword: keyword) }

    static func register() {
        guard table.isEmpty else { return }
        // autograd
        define("backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None)") { v, a in
            if try a.bool("create_graph") {
                throw RuntimeError("backward(create_graph=True) is not supported: trick does not differentiate through a backward pass", kind: "NotImplementedError")
            }
            if a.has("inputs") { throw RuntimeError("backward(inputs=...) is not supported; use torch.autograd.grad", kind: "NotImplementedError") }
            let g = a.has("gradient") ? try Convert.tensor(a["gradient"]) : nil
            try Autograd.backward(v, gradient: g, retainGraph: try a.bool("retain_graph"))
            return .none
        }
        define("detach(self)", doc: """
            A tensor out of the autograd graph sharing this one's value, as torch's: an in-place op on
            either changes both (`p.detach().add_(x)` changes the parameter p). Where trick differs: the
            sharing is of the whole value, so `p.detach()[0].add_(x)` (an in-place op on an index of it)
            changes only the copy that indexing gives, and `p.data = t` leaves earlier detaches on the old value.
            """) { v, _ in .object(VariableObjects.make(v.detach())) }
        define("requires_grad_(self, requires_grad=True)") { v, a in
            try v.setRequiresGrad(try a.bool("requires_grad"))
            return a["self"]
        }
        define("retain_grad(self)") { v, _ in try v.retainGrad(); return .none }
        define("register_hook(self, hook)", doc: "hook(grad) is called with the gradient flowing into this tensor in backward (a leaf's: their sum, before accumulation); a tensor it returns replaces the gradient. Returns a handle whose remove() unregisters it.") { v, a in
            let hook = a["hook"]
            let h = try v.registerHook { g in
                guard let lib = VariableObjects.library else { return nil }
                let r = try lib.callValue(hook, Arguments([.tensor(g)]))
                if r.isNone { return nil }
                return try VariableObjects.operand(r, "the value register_hook's hook returned").data
            }
            let handle = BuiltObject(typeName: "RemovableHandle")
            handle.repr = { "<torch.utils.hooks.RemovableHandle object>" }
            handle.method("remove()") { _ in h.remove(); return .none }
            return .object(handle)
        }
        define("item(self)") { v, _ in try TensorBindings.item(v.data) }

        // in place (weight init and manual updates under no_grad)
        define("zero_(self)") { v, a in try v.zero_(); return a["self"] }
        define("fill_(self, value)") { v, a in
            let x = try a.double("value")
            try v.inPlace { w in try Variable(try Tensor.full(w.shape, x, dtype: w.dtype)) }
            return a["self"]
        }
        define("copy_(self, src, non_blocking=False)") { v, a in
            let s = try VariableObjects.operand(a["src"], "copy_() argument 'src'")
            try v.inPlace { w in try s.cast(to: w.dtype).expand(w.shape) }
            return a["self"]
        }
        for (name, op) in [("add_", "+"), ("sub_", "-"), ("mul_", "*"), ("div_", "/")] {
            define("\(name)(self, other, alpha=1)") { v, a in
                var other = a["other"]
                let alpha = try a.double("alpha")
                if alpha != 1 {
                    other = try VariableObjects.arithmetic("*", try VariableObjects.operand(other, "other"), .float(alpha), reflected: false)
                }
                try v.inPlace { w in try unwrap(try VariableObjects.arithmetic(op, w, other, reflected: false)) }
                return a["self"]
            }
        }
        define("clamp_(self, min=None, max=None)") { v, a in
            let lo = try a.optionalDouble("min"), hi = try a.optionalDouble("max")
            try v.inPlace { w in try w.clamp(min: lo, max: hi) }
            return a["self"]
        }
        define("uniform_(self, a=0.0, b=1.0)") { v, a in
            let lo = try a.double("a"), hi = try a.double("b")
            try v.inPlace { w in try Variable(try NNInit.uniform(w.shape, lo, hi).cast(to: w.dtype)) }
            return a["self"]
        }
        define("normal_(self, mean=0.0, std=1.0)") { v, a in
            let m = try a.double("mean"), s = try a.double("std")
            try v.inPlace { w in try Variable(try Tensor.normal(mean: m, std: s, w.shape, dtype: w.dtype)) }
            return a["self"]
        }

        // arithmetic
        for (name, op) in [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/"), ("pow", "**"), ("matmul", "@"), ("mm", "@")] {
            let second = name == "pow" ? "exponent" : name == "mm" ? "mat2" : "other"
            let alpha = (name == "add" || name == "sub") ? ", alpha=1" : ""
            define("\(name)(self, \(second)\(alpha))") { v, a in
                var other = a[second]
                if a.isBound("alpha"), try a.double("alpha") != 1 {
                    other = try VariableObjects.arithmetic("*", try VariableObjects.operand(other, second), .float(try a.double("alpha")), reflected: false)
                }
                return try VariableObjects.arithmetic(op, v, other, reflected: false)
            }
        }
        define("neg(self)") { v, _ in result(try v.neg()) }
        define("negative(self)") { v, _ in result(try v.neg()) }
        define("exp(self)") { v, _ in result(try v.exp()) }
        define("log(self)") { v, _ in result(try v.log()) }
        define("sqrt(self)") { v, _ in result(try v.sqrt()) }
        define("abs(self)") { v, _ in result(try v.abs()) }
        define("relu(self)") { v, _ in result(try v.relu()) }
        define("sigmoid(self)") { v, _ in result(try v.sigmoid()) }
        define("tanh(self)") { v, _ in result(try v.tanh()) }
        define("reciprocal(self)") { v, _ in result(try v.reciprocal()) }
        define("square(self)") { v, _ in result(try v.pow(2)) }
        for name in ["clamp", "clip"] {
            define("\(name)(self, min=None, max=None)") { v, a in
                result(try v.clamp(min: try a.optionalDouble("min"), max: try a.optionalDouble("max")))
            }
        }
        define("softmax(self, dim, dtype=None)") { v, a in result(try v.softmax(dim: try a.int("dim"))) }
        define("log_softmax(self, dim, dtype=None)") { v, a in result(try v.logSoftmax(dim: try a.int("dim"))) }
        define("maximum(self, other)") { v, a in result(try v.maximum(try VariableObjects.operand(a["other"], "other"), max: true)) }
        define("minimum(self, other)") { v, a in result(try v.maximum(try VariableObjects.operand(a["other"], "other"), max: false)) }
        define("where(self, condition, other)") { v, a in
            result(try Variable.where(try Convert.tensor(a["condition"]).cast(to: .bool), v, try VariableObjects.operand(a["other"], "other")))
        }
        define("masked_fill(self, mask, value)") { v, a in
            let fill = try Variable(try Tensor.full(v.shape, try a.double("value"), dtype: v.dtype))
            return result(try Variable.where(try Convert.tensor(a["mask"]).cast(to: .bool), fill, v))
        }

        // reductions
        define("sum(self, dim=None, keepdim=False, dtype=None)") { v, a in
            result(try v.sum(dims: try TensorBindings.dims(a), keepdim: try a.bool("keepdim")))
        }
        define("mean(self, dim=None, keepdim=False, dtype=None)") { v, a in
            result(try v.mean(dims: try TensorBindings.dims(a), keepdim: try a.bool("keepdim")))
        }
        for (name, isMax) in [("max", true), ("min", false)] {
            define("\(name)(self, dim=None, keepdim=False)") { v, a in
                if case .none = a["dim"] { return result(try v.extremumValue(max: isMax)) }
                var other = VariableObjects.variable(a["dim"])
                if other == nil, let t = a["dim"].tensorValue { other = try Variable(t) }
                if let w = other {
                    return result(try v.maximum(w, max: isMax))   // torch.max(a, b)
                }
                let (values, indices) = try v.extremum(dim: try a.int("dim"), keepdim: try a.bool("keepdim"), max: isMax)
                return TensorBindings.returnType(name, values: result(values), indices: .tensor(indices))
            }
        }
        for (name, isMax) in [("amax", true), ("amin", false)] {
            define("\(name)(self, dim=(), keepdim=False)") { v, a in
                let d = try Convert.ints(a["dim"], what: "\(name)() argument 'dim'")
                return result(try v.extremumValue(dims: d.isEmpty ? nil : d, keepdim: try a.bool("keepdim"), max: isMax))
            }
        }
        define("norm(self, p='fro', dim=None, keepdim=False)") { v, a in
            if a.has("dim") {
                var p = 2.0
                if case .str(let s) = a["p"] { guard s == "fro" else { throw RuntimeError("norm(): p='\(s)' is not supported with gradients", kind: "NotImplementedError") } } else { p = try a.double("p") }
                return result(try v.norm(p: p, dims: try TensorBindings.dims(a), keepdim: try a.bool("keepdim")))
            }
            if case .str(let s) = a["p"], s != "fro" { throw RuntimeError("norm(): p='\(s)' is not supported with gradients", kind: "NotImplementedError") }
            if let p = Convert.double(a["p"]), p != 2 { throw RuntimeError("norm(): only the 2-norm has a gradient in trick, got p=\(p)", kind: "NotImplementedError") }
            return result(try v.norm())
        }

        // shapes and indexing
        for name in ["view", "reshape"] {
            define("\(name)(self, *shape)") { v, a in
                let s = try sizes(a, "shape")
                return result(try v.reshape(try v.data.reshaped(s).shape, name: name == "view" ? "ViewBackward0" : "ViewBackward0"))
            }
        }
        define("view_as(self, other)") { v, a in result(try v.reshape(try Convert.tensor(a["other"]).shape)) }
        define("reshape_as(self, other)") { v, a in result(try v.reshape(try Convert.tensor(a["other"]).shape)) }
        define("flatten(self, start_dim=0, end_dim=-1)") { v, a in result(try v.flatten(try a.int("start_dim"), try a.int("end_dim"))) }
        define("unsqueeze(self, dim)") { v, a in result(try v.unsqueeze(try a.int("dim"))) }
        define("squeeze(self, dim=None)") { v, a in result(try v.squeeze(try TensorBindings.dims(a))) }
        define("permute(self, *dims)") { v, a in result(try v.permute(try sizes(a, "dims"))) }
        define("transpose(self, dim0, dim1)") { v, a in result(try v.transpose(try a.int("dim0"), try a.int("dim1"))) }
        define("t(self)") { v, _ in result(try v.t()) }
        define("expand(self, *sizes)") { v, a in
            var s = try sizes(a, "sizes")
            let off = s.count - v.rank
            for i in s.indices where s[i] == -1 && i - off >= 0 { s[i] = v.shape[i - off] }
            return result(try v.expand(s))
        }
        define("expand_as(self, other)") { v, a in result(try v.expand(try Convert.tensor(a["other"]).shape)) }
        define("gather(self, dim, index)") { v, a in result(try v.gather(dim: try a.int("dim"), index: try Convert.tensor(a["index"]))) }
        define("index_select(self, dim, index)") { v, a in
            result(try v.indexSelect(dim: try a.int("dim"), index: try Convert.tensor(a["index"])))
        }
        define("masked_select(self, mask)") { v, a in result(try v.maskedSelect(try Convert.tensor(a["mask"]).cast(to: .bool))) }

        // copies and casts
        define("clone(self, memory_format=None)") { v, _ in result(try v.clone()) }
        for name in ["contiguous", "cpu", "cuda"] { define("\(name)(self, *args, **kwargs)") { _, a in a["self"] } }
        for (name, dt) in [("float", DType.float32), ("double", .float64), ("long", .int64), ("int", .int64), ("bool", .bool)] {
            define("\(name)(self)") { v, _ in result(try v.cast(to: dt)) }
        }
        define("to(self, dtype=None, device=None, non_blocking=False, copy=False)") { v, a in
            var dt: DType?
            switch a["dtype"] {
            case .str(let s) where DType(name: s) != nil: dt = DType(name: s)
            case .str: dt = nil   // a device ('cpu')
            case .none: dt = nil
            default: dt = try Convert.tensor(a["dtype"]).dtype
            }
            if let d = try TensorBindings.dtype(a, "device").flatMap({ $0 }) { dt = d }
            guard let dt else { return a["self"] }
            return result(try v.cast(to: dt))
        }
        define("type_as(self, other)") { v, a in result(try v.cast(to: try Convert.tensor(a["other"]).dtype)) }
        define("size(self, dim=None)") { v, a in
            guard let d = try a.optionalInt("dim") else { return TensorBindings.torchSize(v.shape) }
            return .int(v.shape[try Tensor.normalizeDim(d, rank: v.rank)])
        }
        define("dim(self)") { v, _ in .int(v.rank) }
        define("numel(self)") { v, _ in .int(v.data.count) }
        registerMath()
    }

    static func unwrap(_ v: Value) throws -> Variable {
        if let x = VariableObjects.variable(v) { return x }
        return try Variable(try Convert.tensor(v))
    }
}

extension Value {
    var isTensorValue: Bool { if case .tensor = self { return true } else { return false } }
}
