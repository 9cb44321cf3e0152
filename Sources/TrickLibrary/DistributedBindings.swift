import TrickCore
import TrickLang

/// What a CPU-only, single-process torch and MMEngine answer about devices and processes, so
/// code that asks works as it does on such a machine: `torch.cuda.is_available()` is False,
/// `torch.distributed.is_available()` True (as torch's CPU builds for Linux and macOS) and
/// `is_initialized()` False; MMEngine's `mmengine.dist` helpers give their non-distributed
/// results (rank 0, world size 1, `all_gather(x)` = `[x]`, collectives do nothing).
/// Where trick differs: it runs one process, so `torch.distributed.init_process_group`,
/// `DistributedDataParallel`, `torch.cuda.amp.GradScaler` and MMEngine's `AmpOptimWrapper` /
/// `ApexOptimWrapper` are errors that say so (the last two raise MMEngine's own AssertionError
/// for a machine without CUDA or apex).
enum DistributedBindings {
    static func register(_ lib: Library) {
        registerTorchDistributed(lib)
        registerTorchCuda(lib)
        registerMMEngineDist(lib)
        registerMMEngineOptim(lib)
    }

    static func notInitialized() -> RuntimeError {
        RuntimeError("Default process group has not been initialized, please make sure to call init_process_group.", kind: "ValueError")
    }

    static func registerTorchDistributed(_ lib: Library) {
        guard let d = try? Modules.define("torch.distributed", in: lib), let rpc = try? Modules.define("torch.distributed.rpc", in: lib) else { return }
        d.method("is_available()", doc: "torch.distributed.is_available: True, as torch's CPU builds answer (trick itself runs one process).") { _ in .bool(true) }
        d.method("is_initialized()", doc: "torch.distributed.is_initialized: False — trick never has a process group.") { _ in .bool(false) }
        for name in ["is_nccl_available", "is_mpi_available"] { d.method("\(name)()") { _ in .bool(false) } }
        d.method("is_gloo_available()") { _ in .bool(true) }
        d.method("is_torchelastic_launched()") { _ in .bool(false) }
        for name in ["get_rank(group=None)", "get_world_size(group=None)", "barrier(group=None, async_op=False, device_ids=None)",
                     "all_reduce(tensor, op=None, group=None, async_op=False)", "all_gather(tensor_list, tensor, group=None, async_op=False)",
                     "broadcast(tensor, src, group=None, async_op=False)", "get_backend(group=None)"] {
            d.method(name, doc: "Needs a process group, which trick (one process) never has: the ValueError torch raises before init_process_group.") { _ in
                throw notInitialized()
            }
        }
        d.method("init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None, group_name='', pg_options=None)",
                 doc: "Not available: trick runs in one process, with no process group.") { _ in
            throw RuntimeError("torch.distributed.init_process_group: trick runs in one process and cannot join a process group", kind: "RuntimeError")
        }
        rpc.method("is_available()", doc: "torch.distributed.rpc.is_available: True, as torch's CPU builds answer.") { _ in .bool(true) }
        if let parallel = try? Modules.define("torch.nn.parallel.distributed", in: lib) {
            let ddp = BuiltinFunction("DistributedDataParallel(module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, process_group=None, bucket_cap_mb=25, find_unused_parameters=False, **kwargs)",
                                      doc: "torch's DistributedDataParallel needs an initialized process group; trick never has one.") { _ in throw notInitialized() }
            parallel.set("DistributedDataParallel", .builtin(ddp))
            (try? Modules.define("torch.nn.parallel", in: lib))?.set("DistributedDataParallel", .builtin(ddp))
        }
    }

    static func registerTorchCuda(_ lib: Library) {
        guard let cuda = try? Modules.define("torch.cuda", in: lib), let amp = try? Modules.define("torch.cuda.amp", in: lib) else { return }
        cuda.method("is_available()", doc: "torch.cuda.is_available: False — trick computes on the CPU.") { _ in .bool(false) }
        cuda.method("device_count()") { _ in .int(0) }
        cuda.method("is_bf16_supported()") { _ in .bool(false) }
        cuda.method("manual_seed(seed)") { _ in .none }
        cuda.method("manual_seed_all(seed)") { _ in .none }
        cuda.method("synchronize(device=None)") { _ in .none }
        cuda.method("empty_cache()") { _ in .none }
        amp.method("GradScaler(init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000, enabled=True)",
                   doc: "Not available: gradient scaling is for CUDA mixed precision, and trick computes on the CPU.") { _ in
            throw RuntimeError("torch.cuda.amp.GradScaler: trick has no CUDA (mixed-precision training on the GPU is outside its scope)", kind: "RuntimeError")
        }
    }

    /// mmengine.dist when not distributed (mmengine/dist/dist.py and utils.py take these branches).
    static func registerMMEngineDist(_ lib: Library) {
        guard let m = try? Modules.define("mmengine.dist", in: lib) else { return }
        m.method("is_distributed()", doc: "False: trick runs in one process.") { _ in .bool(false) }
        m.method("get_rank(group=None)", doc: "0 when not distributed.") { _ in .int(0) }
        m.method("get_world_size(group=None)", doc: "1 when not distributed.") { _ in .int(1) }
        m.method("get_local_rank()") { _ in .int(0) }
        m.method("get_local_size()") { _ in .int(1) }
        m.method("get_dist_info(group=None)", doc: "(rank, world_size) = (0, 1) when not distributed.") { _ in .tuple([.int(0), .int(1)]) }
        m.method("is_main_process(group=None)") { _ in .bool(true) }
        m.method("get_backend(group=None)") { _ in .none }
        m.method("barrier(group=None)") { _ in .none }
        m.method("all_reduce(data, op='sum', group=None)", doc: "Nothing to reduce with one process: data is left as it is.") { _ in .none }
        m.method("broadcast(data, src=0, group=None)") { _ in .none }
        m.method("all_gather(data, group=None)", doc: "[data] when not distributed.") { a in .list(ListRef([a["data"]])) }
        m.method("all_gather_object(data, group=None)") { a in .list(ListRef([a["data"]])) }
        m.method("gather(data, dst=0, group=None)") { a in .list(ListRef([a["data"]])) }
        m.method("gather_object(data, dst=0, group=None)") { a in .list(ListRef([a["data"]])) }
        m.method("broadcast_object_list(data, src=0, group=None)") { _ in .none }
        m.method("collect_results(results, size, device='cpu', tmpdir=None)", doc: "results[:size] when not distributed.") { a in
            let items = try a.sequence("results")
            return .list(ListRef(Array(items.prefix(Swift.max(0, try a.int("size"))))))
        }
        m.method("master_only(func)", doc: "The function itself: every call runs on the one (main) process.") { a in a["func"] }
        m.method("init_dist(launcher, backend='nccl', **kwargs)") { _ in
            throw RuntimeError("mmengine.dist.init_dist: trick runs in one process and cannot join a process group", kind: "RuntimeError")
        }
    }

    /// Names of mmengine.optim that no training trick uses; registered before the library's
    /// registries exist, so as globals the module table lists (`TORCH_OPTIMIZERS` under its dotted path).
    static func registerMMEngineOptim(_ lib: Library) {
        // the optimizers each package registered in OPTIMIZERS: torch's that trick has; the
        // optional packages (dadaptation, lion, bitsandbytes, transformers) are not installed
        let builder = "mmengine.optim.optimizer.builder."
        lib.define(builder + "TORCH_OPTIMIZERS", .list(ListRef(Optimizer.Kind.allCases.map(\.rawValue).sorted().map { .str($0) })))
        for name in ["DADAPTATION_OPTIMIZERS", "LION_OPTIMIZERS", "BITSANDBYTES_OPTIMIZERS", "TRANSFORMERS_OPTIMIZERS", "NPU_OPTIMIZERS", "MLU_OPTIMIZERS"] {
            lib.define(builder + name, .list(ListRef([])))
        }
        lib.function("AmpOptimWrapper(loss_scale='dynamic', dtype=None, use_fsdp=False, **kwargs)",
                     doc: "MMEngine's AmpOptimWrapper needs CUDA (or NPU/MLU/MUSA): on trick's CPU it raises MMEngine's AssertionError.") { _ in
            throw RuntimeError("``AmpOptimizerWrapper`` is only available training on gpu, npu, mlu or musa", kind: "AssertionError")
        }
        lib.function("ApexOptimWrapper(opt_level='O1', loss_scale='dynamic', enabled=True, cast_model_type=None, patch_torch_functions=None, keep_batchnorm_fp32=None, master_weights=None, cast_model_outputs=None, num_losses=1, verbosity=1, min_loss_scale=None, max_loss_scale=16777216.0, **kwargs)",
                     doc: "MMEngine's ApexOptimWrapper needs NVIDIA apex, which trick does not have: MMEngine's AssertionError.") { _ in
            throw RuntimeError("Apex is not installed. Please check https://github.com/NVIDIA/apex#linux.", kind: "AssertionError")
        }
        if let dl = try? Modules.define("mmengine.utils.dl_utils", in: lib) {
            dl.set("TORCH_VERSION", .str(VersionBindings.torchVersion))
            // as mmcv-lite (the reference environment's): trick's mmcv.ops has NMS and friends, but
            // DeformConv2dPack is parameter shapes only (for param-group tables), not a layer to train
            dl.method("mmcv_full_available()", doc: "False, as with mmcv-lite: trick's DeformConv2dPack has parameter shapes only, not a forward to train.") { _ in .bool(false) }
            dl.method("is_cuda_available()") { _ in .bool(false) }
        }
    }
}
