// swift-tools-version:6.0
import PackageDescription

// Three layers, one direction (see STYLE.md):
//   TrickCore     — the numeric core: tensors and every trick's math; knows nothing of the language.
//   TrickLang     — the language: syntax, diagnostics, runtime, the built-in registry.
//   TrickLibrary  — thin bindings that expose TrickCore functions as language built-ins.
//   trick         — the command line (run / test / -c / REPL).
// Objects link in module-name order, and of the weak copies of a type's outlined copy/destroy that
// several modules emit the first linked is kept: TrickCore's own types keep TrickCore's (atomic,
// its kernels share tensors across threads), and Value keeps TrickLang's (non-atomic, below),
// because TrickLibrary sorts after TrickLang. (As TrickBuiltins it linked first, and every Value
// copy in the program counted atomically.)
let optimized: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
// The language and its bindings with each function in a section of its own, so that the link can
// place the functions a start runs next to each other (see the trick target). TrickCore runs
// next to nothing at start-up and keeps its code generation as it was.
let startup: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-function-sections"])]
// The interpreter's objects (frames, functions, values) are only ever touched by the thread that
// runs the script, so its reference counting need not be atomic: about 2x on call-heavy code.
// (With -function-sections, as `startup`.)
let interpreter: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-assume-single-threaded",
                                                 "-Xfrontend", "-function-sections"])]

let package = Package(
    name: "trick",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trick", targets: ["trick"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // ZeroMQ for the Jupyter kernel (`trick kernel`): its header only; the library is opened
        // when the kernel starts (Sources/trick/Kernel/ZMQ.swift), not linked into every process.
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
        // PNG and JPEG (imread / imwrite / drawings): Debian's libpng and libjpeg-turbo, called from a
        // small C layer that owns their setjmp error handling (Swift cannot catch a longjmp).
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibJPEG", path: "Sources/CLibJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "CImageCodecs", dependencies: ["CLibPNG", "CLibJPEG"]),
        // zlib (deflate in .npz files written by np.savez_compressed, and the zip CRC-32).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The AVX2/FMA micro-kernel of autograd's GEMM (chosen at run time; plain C, no system library).
        .target(name: "CTrickKernels", path: "Sources/CTrickKernels"),
        .target(name: "TrickCore", dependencies: ["CImageCodecs", "CTrickKernels", "CZlib"], swiftSettings: optimized, linkerSettings: [.linkedLibrary("m")]),
        .target(name: "TrickLang", dependencies: ["TrickCore"], swiftSettings: interpreter),
        .target(name: "TrickLibrary", dependencies: ["TrickCore", "TrickLang"], swiftSettings: startup),
        // How trick is linked keeps its start small (issue 15: peak RSS of `trick -c` and of each
        // interpreter workload at most CPython's):
        // - the Swift runtime and standard library linked in (`-static-stdlib`), not loaded as shared
        //   libraries: only what trick uses is mapped, ~10 fewer libraries for ld.so to map and bind
        //   (-3.3 MB, ~4 ms of CPU). FoundationEssentials (ArgumentParser imports it) needs its two
        //   C support libraries named;
        // - lld places the functions listed in trick.order (those a start and the interpreter
        //   micro-suite run; `make link-order` records them) first, so a start touches ~1 MB of
        //   contiguous code instead of pages all over the text section (-3.4 MB);
        // - the small functions the compiler leaves unnamed (`.L__unnamed_N`, an array's set-up, and
        //   `.Lobjectdestroy*`, a closure context's release; one or more in every object file) are
        //   gathered in a section of their own after the text (helpers.ld): an order file cannot
        //   name them, and each one a start called faulted in the 64 KB of code around it: start-up
        //   peak RSS 12.5 -> 11.2 MB, every interpreter workload ~2 MB less;
        // - the VM's two loops each at a 64-byte boundary plus a pad that keeps its dispatch block
        //   inside one cache line (helpers.ld; `make build` checks the blocks and sets the pads with
        //   tools/align_dispatch.py): where the block lands moved the interpreter rows by up to 30 %
        //   with the same instructions (int_loop 14 vs 18.5 ms), and any edit of a loop moves it;
        // - relative relocations packed (RELR, glibc 2.36+): the 56 000 of them no longer fill 1 MB
        //   of .rela.dyn that ld.so reads at each start (-1 MB); the binary stays position-independent;
        // - no symbols exported: the static-stdlib link asks for -export-dynamic, which put all ~110 000
        //   of trick's symbols in its dynamic symbol table (-1 MB); nothing is linked against them
        //   (the libraries trick opens, libzmq and OpenBLAS, are C).
        .executableTarget(name: "trick", dependencies: [
            "TrickCore", "TrickLang", "TrickLibrary", "CEditLine", "CZMQ", "KernelSigning",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["trick.order", "helpers.ld"], swiftSettings: [.unsafeFlags(["-Xfrontend", "-function-sections"])],
           linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld",
                                          "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/trick/trick.order",
                                          "-Xlinker", "--no-warn-symbol-ordering",
                                          "-Xlinker", "-T", "-Xlinker", "\(Context.packageDirectory)/Sources/trick/helpers.ld",
                                          "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                                          "-Xlinker", "-z", "-Xlinker", "separate-loadable-segments",
                                          "-Xlinker", "--no-export-dynamic"]),
                            .linkedLibrary("_FoundationCShims"), .linkedLibrary("_FoundationCollections")]),
        // HMAC-SHA256 for the Jupyter kernel's message signatures, written out (SHA256.swift): with
        // swift-crypto, every start of trick loaded FoundationEssentials (~2 MB resident) for it.
        .target(name: "KernelSigning"),
        .executableTarget(name: "trick-bench", dependencies: ["TrickCore", "TrickLang", "TrickLibrary"]),
        // The fuzz target (`make fuzz`): libFuzzer when built with -sanitize=fuzzer, else random mutation.
        .executableTarget(name: "trick-fuzz", dependencies: ["TrickCore", "TrickLang", "TrickLibrary"]),
        .testTarget(name: "TrickCoreTests", dependencies: ["TrickCore"], exclude: ["Fixtures"]),
        .testTarget(name: "TrickLangTests", dependencies: ["TrickLang", "TrickLibrary"], exclude: ["Fixtures"]),
        .testTarget(name: "TrickLibraryTests", dependencies: ["TrickLang", "TrickLibrary", "TrickCore"]),
        .testTarget(name: "KernelSigningTests", dependencies: ["KernelSigning"]),
    ],
    swiftLanguageModes: [.v5]
)
