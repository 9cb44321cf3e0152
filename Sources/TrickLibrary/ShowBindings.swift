#if canImport(Glibc)
import Glibc
#endif
import TrickCore
import TrickLang

/// `imshow(img)` (mmcv.imshow): a picture shown where the user is. In Jupyter it goes out as
/// `image/png`; in the REPL and scripts, which have no window, it is saved as a PNG under
/// `$TMPDIR/trick-images/` and its path printed — the picture value's repr does the saving, so
/// `display(picture)` behaves the same way.
enum ShowBindings {
    /// A picture as its PNG bytes: Jupyter asks for the bundle; text front ends get the repr.
    struct PNGPicture: MimeRepresentable {
        let png: [UInt8]
        func mimeBundle() -> [(String, MimeData)] { [("image/png", .binary(png))] }
    }

    nonisolated(unsafe) static var saved = 0

    static func pictureFolder() -> String {
        let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return (tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp) + "/trick-images"
    }

    static func picture(_ img: Tensor, name: String) throws -> Value {
        let png = try ImageCodecs.encode(img, ext: ".png")
        let (h, w) = (img.shape[0], img.shape[1])
        let o = BuiltObject(typeName: "Picture")
        o.payload = PNGPicture(png: png)
        var path: String?
        o.repr = {
            if path == nil {
                saved += 1
                let p = pictureFolder() + "/\(name.isEmpty ? "imshow" : name)-\(getpid())-\(saved).png"
                if (try? ImageFiles.makeDirectories(pictureFolder())) != nil, (try? ImageFiles.writeAtomically(p, png)) != nil { path = p }
            }
            return path.map { "<picture \(w)×\(h), saved to \($0)>" } ?? "<picture \(w)×\(h) (could not be saved under \(pictureFolder()))>"
        }
        return .object(o)
    }

    static func register(_ lib: Library) {
        lib.function("imshow(img, win_name='', wait_time=0)", doc: """
            mmcv.imshow: shows a BGR image — inline in Jupyter (image/png); in the REPL and scripts, which have no
            window, saves it as a PNG under $TMPDIR/trick-images/ and prints the path. Returns None, as mmcv.
            """) { a in
            let name = String(try a.string("win_name").map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
            let pic = try picture(try a.tensor("img"), name: name)
            guard let display = lib.globals["display"] else { return .none }
            _ = try lib.callValue(display, Arguments([pic]))
            return .none
        }
    }
}
