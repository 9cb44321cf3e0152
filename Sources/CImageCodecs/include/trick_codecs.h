// PNG and JPEG through libpng and libjpeg-turbo, called exactly as OpenCV's imgcodecs calls them
// (modules/imgcodecs/src/grfmt_png.cpp, grfmt_jpeg.cpp), so decoded pixels equal cv2.imdecode's.
// The libraries report errors with longjmp, which Swift cannot catch: this small C layer owns the
// setjmp points and turns every failure into a return code and a message.
#ifndef TRICK_CODECS_H
#define TRICK_CODECS_H

#include <stddef.h>
#include <stdint.h>

/// cv2.IMREAD_* values as mmcv's imread flags map to them.
enum {
    TRICK_IMREAD_UNCHANGED = -1,
    TRICK_IMREAD_GRAYSCALE = 0,
    TRICK_IMREAD_COLOR = 1,
    /// mmcv's `backend='pillow'` with `flag='unchanged'` (how MMSegmentation reads seg maps):
    /// the stored samples as PIL's `np.array(img)` gives them: palette images as their indices,
    /// gray as 1 channel (1-bit as 0/1), gray+alpha as 2, colour as mmcv's _pillow2array
    /// turns it: BGR(A), 8-bit; 16-bit gray kept.
    TRICK_IMREAD_PILLOW_UNCHANGED = 2,
};

/// A decoded image: rows top to bottom, channels interleaved in OpenCV order (BGR, BGRA, gray),
/// `depth` 8 (uint8) or 16 (uint16, native byte order). `data` is malloc'd: free with trick_free.
typedef struct {
    int width, height, channels, depth;
    void *data;
    /// The Exif (TIFF) block of a JPEG APP1 or PNG eXIf chunk, or NULL: malloc'd, free with trick_free.
    uint8_t *exif;
    size_t exif_length;
    char message[256];
} trick_image;

/// Decodes a PNG (1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA, palette, tRNS, interlaced).
/// Images whose decoded buffer would exceed `max_bytes` are refused before any pixel is read.
/// Returns 0 on success; otherwise `out->message` says why.
int trick_png_decode(const uint8_t *bytes, size_t length, int flag, size_t max_bytes, trick_image *out);

/// Decodes a baseline or progressive JPEG (gray or YCbCr; CMYK is refused). A truncated stream
/// is an error here (libjpeg only warns and OpenCV returns the gray-filled rest).
int trick_jpeg_decode(const uint8_t *bytes, size_t length, int flag, size_t max_bytes, trick_image *out);

/// Encodes 8- or 16-bit pixels (1, 3 or 4 channels, BGR(A) order) as PNG with zlib `level`.
int trick_png_encode(const void *pixels, int width, int height, int channels, int depth, int level,
                     uint8_t **out, size_t *out_length, char message[256]);

/// Encodes 8-bit pixels (1 or 3 channels, BGR order) as a baseline JPEG of `quality`.
int trick_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                      uint8_t **out, size_t *out_length, char message[256]);

/// `png` or `jpeg` from the first bytes, or NULL.
const char *trick_image_kind(const uint8_t *bytes, size_t length);

void trick_free(void *p);

#endif
