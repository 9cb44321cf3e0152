import XCTest
import TrickCore
@testable import TrickLang
@testable import TrickLibrary

/// An `nn.Module` is freed when the program no longer refers to it, as in CPython: its node, its
/// object, its parameters' objects (and so its weights, running statistics, forward). A module the
/// program still reaches — in a list, as a child of a live parent, captured by a closure — stays,
/// with its identity and the attributes the program gave it.
final class ModuleLifetimeTests: XCTestCase {
    /// Weak references to what `_probe(name, module)` was shown, by name.
    final class Probes {
        struct Entry {
            weak var node: ModuleNode?
            weak var object: BuiltObject?
            var parameters: [WeakParameter]
        }
        struct WeakParameter {
            weak var parameter: ModuleParameter?
            weak var object: BuiltObject?
        }
        var entries: [(name: String, entry: Entry)] = []

        func alive(_ name: String) -> [String] {
            entries.filter { $0.name == name }.flatMap { (n, e) -> [String] in
                var out: [String] = []
                if e.node != nil { out.append("\(n): node") }
                if e.object != nil { out.append("\(n): object") }
                for p in e.parameters {
                    if p.parameter != nil { out.append("\(n): parameter") }
                    if p.object != nil { out.append("\(n): parameter object") }
                }
                return out
            }
        }
    }

    /// Runs `source` on a library of its own (not closed: a program that ends normally keeps its
    /// globals until here) with `_probe(name, module)`, and hands the probes and the globals over.
    func run(_ source: String, _ check: (Probes, Interpreter) throws -> Void) throws {
        let probes = Probes()
        let lib = Library()
        TrickLibrary.register(lib)
        lib.function("_probe(name, module)") { a in
            guard case .object(let o) = a["module"], let n = o.payload as? ModuleNode else {
                throw RuntimeError("_probe: not a module", kind: "TypeError")
            }
            let params = n.namedParameters().map { p in Probes.WeakParameter(parameter: p.param, object: ModuleObjects.object(for: p.param)) }
            probes.entries.append((try a.string("name"), Probes.Entry(node: n, object: o, parameters: params)))
            return .none
        }
        let interp = Interpreter(library: lib)
        interp.output = { _ in }
        defer { interp.close() }
        let program = try Parser.parse(SourceFile(name: "<lifetime>", text: source))
        for statement in try interp.compile(program) { _ = try statement.execute() }
        try check(probes, interp)
    }

    static let net = """
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 3)
                self.bn = nn.BatchNorm2d(4)
                self.head = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
                self.register_buffer('scale', torch.ones(1))

            def forward(self, x):
                x = torch.relu(self.bn(self.conv(x)))
                return self.head(x.mean((2, 3))) * self.scale

        """

    func testModulesAreFreedWhenUnreferenced() throws {
        try run(Self.net + """
            from torch.optim.swa_utils import AveragedModel, update_bn
            from mmengine.optim import OptimWrapper

            class MySGD(torch.optim.Optimizer):
                def __init__(self, params, lr):
                    super().__init__(params, dict(lr=lr))

                @torch.no_grad()
                def step(self):
                    for group in self.param_groups:
                        for p in group['params']:
                            p.add_(p.grad * -group['lr'])

            def once(i):
                m = nn.Linear(10, 10)
                _probe('linear', m)
                c = nn.Conv2d(3, 4, 3)
                _probe('conv', c)
                net = Net()
                _probe('net', net)
                _probe('net.conv', net.conv)
                _probe('net.head.0', net.head[0])
                opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
                loss = net(torch.randn(2, 3, 8, 8)).sum()
                loss.backward()
                opt.step()
                opt.zero_grad()
                bn = nn.BatchNorm1d(4)
                bn(torch.randn(3, 4))
                bn.eval()
                _probe('bn', bn)
                copy = __import__('copy').deepcopy(net)
                _probe('copy', copy)
                swa = AveragedModel(net)
                _probe('swa', swa)
                swa.update_parameters(net)
                update_bn([torch.randn(2, 3, 8, 8)], swa)
                wrapped = OptimWrapper(torch.optim.AdamW(copy.parameters(), lr=0.1))
                wrapped.update_params(copy(torch.randn(2, 3, 8, 8)).sum())
                attention = nn.MultiheadAttention(4, 2)
                _probe('attention', attention)
                q = torch.randn(3, 1, 4)
                attention(q, q, q)
                small = nn.Linear(3, 3)
                _probe('script optimizer', small)
                mine = MySGD(small.parameters(), lr=0.1)
                steps = torch.optim.lr_scheduler.StepLR(mine, 1)
                small(torch.ones(1, 3)).sum().backward()
                mine.step()
                steps.step()
                return float(loss)

            for i in range(3):
                once(i)
            for i in range(3):
                m = nn.Linear(10, 10)
                _probe('rebound', m)
            del m
            """) { probes, _ in
            for name in ["linear", "conv", "net", "net.conv", "net.head.0", "bn", "copy", "swa", "attention", "script optimizer", "rebound"] {
                XCTAssertEqual(probes.alive(name), [], "\(name) outlived the program's last reference")
            }
        }
    }

    func testModulesStillReferencedStay() throws {
        try run(Self.net + """
            kept = [nn.Linear(2, 2)]
            _probe('in a list', kept[0])
            parent = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
            parent[0].tag = 'first'
            _probe('child', parent[0])
            first = parent[0]
            net = Net()
            net.head[2].note = 7
            _probe('net', net)
            _probe('net.head.2', net.head[2])
            net(torch.randn(2, 3, 8, 8)).sum().backward()
            def make():
                inner = nn.Linear(3, 1)
                inner.tag = 'captured'
                return lambda x: inner(x)
            f = make()
            holder = nn.Module()
            holder.add_module('late', nn.Linear(1, 1))
            holder.late.tag = 'late'
            _probe('late', holder.late)
            for i in range(3):
                scratch = [nn.Linear(4, 4) for _ in range(5)]
            del scratch

            same = parent[0] is first and parent[0] is parent[0]
            assert same
            assert parent[0].tag == 'first'
            assert net.head[2].note == 7
            assert holder.late.tag == 'late'
            assert net.head[2] is net.head[2]
            out = f(torch.ones(2, 3))
            assert tuple(out.shape) == (2, 1)
            y = parent(torch.randn(4, 2))
            assert tuple(y.shape) == (4, 3)
            assert int(parent[1].num_batches_tracked) == 1
            parent.eval()
            del first
            assert parent[1].training is False and parent[0].tag == 'first'

            # a deep copy keeps what its modules hold (registered buffers, the class, the forward)
            import copy
            twin = copy.deepcopy(net)
            twin.scale.fill_(2.0)
            assert float(net.scale) == 1.0 and float(twin.scale) == 2.0
            assert tuple(twin(torch.randn(1, 3, 8, 8)).shape) == (1, 2)
            from torch.optim.swa_utils import AveragedModel
            swa = AveragedModel(Net())
            swa.update_parameters(net)
            assert tuple(swa(torch.randn(1, 3, 8, 8)).shape) == (1, 2)
            assert float(swa.module.scale) == 1.0
            """) { probes, _ in
            XCTAssertEqual(probes.alive("in a list"), ["in a list: node", "in a list: object", "in a list: parameter", "in a list: parameter object",
                                                       "in a list: parameter", "in a list: parameter object"])
            XCTAssertEqual(probes.alive("child").prefix(2), ["child: node", "child: object"], "a live parent's child lost its object")
            XCTAssertTrue(probes.alive("net.head.2").contains("net.head.2: object"))
            XCTAssertTrue(probes.alive("late").contains("late: object"))
            XCTAssertTrue(probes.alive("net").contains("net: node"))
        }
    }

    /// A method taken as a value holds its object, as a Python bound method holds `__self__`: the
    /// module, its parameters and an optimizer stay while the method does, and calling it after
    /// every name for the object went reads a live object (it was a crash: the methods refer to
    /// their object without owning it).
    func testAMethodTakenAsAValueKeepsItsObject() throws {
        try run("""
            import torch, functools
            from torch import nn
            def methods():
                m = nn.Linear(3, 2)
                _probe('bound', m)
                return m.requires_grad_, getattr(m, 'train'), functools.partial(m.forward), m.named_parameters, m.__call__
            grad, train, forward, named, call = methods()
            assert tuple(call(torch.zeros(2, 3)).shape) == (2, 2)
            assert grad(False).__class__.__name__ == 'Linear'
            assert train(False).training is False
            assert tuple(forward(torch.zeros(1, 3)).shape) == (1, 2)
            assert [n for n, _ in named()] == ['weight', 'bias']
            def optimizer():
                m = nn.Linear(2, 2)
                o = torch.optim.SGD(m.parameters(), lr=0.1)
                return o.zero_grad, o.step
            zero, step = optimizer()
            zero()
            step()
            """) { probes, interp in
            XCTAssertTrue(probes.alive("bound").contains("bound: object"), "a held method's module was freed")
            // once the methods go, the module goes
            let program = try Parser.parse(SourceFile(name: "<lifetime>", text: "grad = train = forward = named = call = None"))
            for statement in try interp.compile(program) { _ = try statement.execute() }
            XCTAssertEqual(probes.alive("bound"), [])
        }
    }
}
