// See include/trick_codecs.h. Each decoder follows OpenCV 4.x imgcodecs step for step: the same
// libpng transforms in the same order (grfmt_png.cpp PngDecoder::readHeader/readData) and the
// same libjpeg output colour spaces (grfmt_jpeg.cpp JpegDecoder::readData), so the library does
// the pixel arithmetic (16→8-bit strip, palette expansion, RGB→gray weights, IDCT, upsampling).
#include "trick_codecs.h"

#include <png.h>
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// OpenCV's limits (CV_IO_MAX_IMAGE_WIDTH / _HEIGHT / _PIXELS in imgcodecs/src/loadsave.cpp).
#define MAX_SIDE (1 << 20)
#define MAX_PIXELS ((size_t)1 << 30)

void trick_free(void *p) { free(p); }

const char *trick_image_kind(const uint8_t *b, size_t n) {
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return "png";
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "jpeg";
    return NULL;
}

static int check_size(size_t w, size_t h, size_t channels, size_t bytes_per_sample, size_t max_bytes, char *message) {
    if (w == 0 || h == 0) {
        snprintf(message, 256, "the image has no pixels (%zu x %zu)", w, h);
        return 1;
    }
    if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
        snprintf(message, 256, "the image is %zu x %zu pixels, more than the limit of %d per side and %zu in all (OpenCV's)", w, h, MAX_SIDE, MAX_PIXELS);
        return 1;
    }
    if (w * h * channels * bytes_per_sample > max_bytes) {
        snprintf(message, 256, "a %zu x %zu x %zu image would need more memory than the tensor limit allows", h, w, channels);
        return 1;
    }
    return 0;
}

static void keep_exif(trick_image *out, const uint8_t *bytes, size_t length) {
    if (out->exif || !bytes || length == 0 || length > (1 << 24)) return;
    out->exif = malloc(length);
    if (out->exif) { memcpy(out->exif, bytes, length); out->exif_length = length; }
}

// MARK: PNG

typedef struct {
    const uint8_t *bytes;
    size_t length, position;
    char *message;
} png_source;

static void png_fail(png_structp png, png_const_charp msg) {
    png_source *src = (png_source *)png_get_error_ptr(png);
    if (src && src->message && src->message[0] == 0) snprintf(src->message, 256, "%s", msg);
    png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

static void png_read_memory(png_structp png, png_bytep dst, png_size_t n) {
    png_source *src = (png_source *)png_get_io_ptr(png);
    if (src->position + n > src->length) {
        png_error(png, "the file is truncated (the PNG data ends early)");
        return;
    }
    memcpy(dst, src->bytes + src->position, n);
    src->position += n;
}

int trick_png_decode(const uint8_t *bytes, size_t length, int flag, size_t max_bytes, trick_image *out) {
    memset(out, 0, sizeof *out);
    png_source src = { bytes, length, 0, out->message };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_fail, png_quiet);
    if (!png) { snprintf(out->message, 256, "libpng could not start"); return 1; }
    png_infop info = png_create_info_struct(png), end = png_create_info_struct(png);
    uint8_t *volatile data = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || !end || setjmp(png_jmpbuf(png))) {
        free(data);
        free(rows);
        free(out->exif); out->exif = NULL; out->exif_length = 0;
        png_destroy_read_struct(&png, &info, &end);
        if (out->message[0] == 0) snprintf(out->message, 256, "libpng could not decode the data");
        return 1;
    }
    if (length < 8 || png_sig_cmp(bytes, 0, 8) != 0) png_error(png, "not a PNG file (bad signature)");
    // The announced size first, so a huge image is named as such even when the rest is missing.
    if (length >= 24 && memcmp(bytes + 12, "IHDR", 4) == 0) {
        size_t w0 = png_get_uint_32(bytes + 16), h0 = png_get_uint_32(bytes + 20);
        if (check_size(w0, h0, 1, 1, max_bytes, out->message)) png_longjmp(png, 1);
    }
    png_set_read_fn(png, &src, png_read_memory);
    png_set_user_limits(png, MAX_SIDE, MAX_SIDE);
    png_read_info(png, info);
    png_uint_32 w, h;
    int bit_depth, color_type;
    png_get_IHDR(png, info, &w, &h, &bit_depth, &color_type, NULL, NULL, NULL);

    // The Mat type readHeader gives (IMREAD_UNCHANGED), then imread's narrowing for other flags.
    int channels, depth = bit_depth == 16 ? 16 : 8;
    switch (color_type) {
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_PALETTE: {
        png_bytep trans = NULL; int num_trans = 0; png_color_16p trans_values = NULL;
        png_get_tRNS(png, info, &trans, &num_trans, &trans_values);
        channels = num_trans > 0 ? 4 : 3;
        break;
    }
    case PNG_COLOR_TYPE_GRAY_ALPHA:
    case PNG_COLOR_TYPE_RGB_ALPHA: channels = 4; break;
    default: channels = 1;
    }
    if (flag == TRICK_IMREAD_PILLOW_UNCHANGED) {
        channels = color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : color_type == PNG_COLOR_TYPE_RGB ? 3
                 : color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
        // PIL keeps 16 bits for gray only ('I;16'); 16-bit colour opens as 8-bit (the high bytes).
        if (bit_depth == 16 && channels > 2) { png_set_strip_16(png); depth = 8; }
        else if (bit_depth == 16) png_set_swap(png);
        if (check_size(w, h, channels, depth / 8, max_bytes, out->message)) png_longjmp(png, 1);
        // Palette indices and 1-bit gray (PIL mode '1', a bool array) stay unscaled; 2/4-bit gray
        // is scaled to 0…255 as PIL's 'L;2' / 'L;4' unpackers do.
        if (bit_depth < 8) {
            if (color_type == PNG_COLOR_TYPE_PALETTE || bit_depth == 1) png_set_packing(png);
            else png_set_expand_gray_1_2_4_to_8(png);
        }
        if (channels >= 3) png_set_bgr(png);  // mmcv's _pillow2array: RGB(A) → BGR(A)
        goto read_pixels;
    }
    if (flag != TRICK_IMREAD_UNCHANGED) {
        depth = 8;
        channels = flag == TRICK_IMREAD_COLOR ? 3 : 1;
    }
    if (check_size(w, h, channels, depth / 8, max_bytes, out->message)) png_longjmp(png, 1);
    int color = channels > 1;

    if (depth == 8 && bit_depth == 16) png_set_strip_16(png);
    else png_set_swap(png);  // little-endian hosts, as OpenCV's !isBigEndian()
    if (channels < 4) png_set_strip_alpha(png);
    else png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) && color) png_set_bgr(png);
    else if (color) png_set_gray_to_rgb(png);
    else png_set_rgb_to_gray(png, 1, 0.299, 0.587);
read_pixels:
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row_bytes = (size_t)w * channels * (depth / 8);
    if (png_get_rowbytes(png, info) != row_bytes) png_error(png, "unexpected PNG row layout after the transforms");
    data = malloc(row_bytes * h);
    rows = malloc(sizeof(png_bytep) * h);
    if (!data || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++) rows[y] = data + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, end);
    // OpenCV reads the eXIf chunk before or after the image data for the orientation.
    png_uint_32 num_exif = 0;
    png_bytep exif = NULL;
    if (png_get_valid(png, info, PNG_INFO_eXIf)) png_get_eXIf_1(png, info, &num_exif, &exif);
    else if (png_get_valid(png, end, PNG_INFO_eXIf)) png_get_eXIf_1(png, end, &num_exif, &exif);
    keep_exif(out, exif, num_exif);
    free(rows);
    png_destroy_read_struct(&png, &info, &end);
    out->width = (int)w; out->height = (int)h; out->channels = channels; out->depth = depth;
    out->data = data;
    return 0;
}

typedef struct { uint8_t *data; size_t length, capacity; } png_sink;

static void png_write_memory(png_structp png, png_bytep src, png_size_t n) {
    png_sink *s = (png_sink *)png_get_io_ptr(png);
    if (s->length + n > s->capacity) {
        size_t cap = s->capacity ? s->capacity : 4096;
        while (cap < s->length + n) cap *= 2;
        uint8_t *d = realloc(s->data, cap);
        if (!d) { png_error(png, "out of memory"); return; }
        s->data = d; s->capacity = cap;
    }
    memcpy(s->data + s->length, src, n);
    s->length += n;
}

static void png_flush_memory(png_structp png) { (void)png; }

int trick_png_encode(const void *pixels, int width, int height, int channels, int depth, int level,
                     uint8_t **out, size_t *out_length, char message[256]) {
    message[0] = 0;
    png_source err = { NULL, 0, 0, message };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, png_fail, png_quiet);
    if (!png) { snprintf(message, 256, "libpng could not start"); return 1; }
    png_infop info = png_create_info_struct(png);
    png_sink sink = { NULL, 0, 0 };
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        free(sink.data);
        free(rows);
        png_destroy_write_struct(&png, &info);
        if (message[0] == 0) snprintf(message, 256, "libpng could not encode the image");
        return 1;
    }
    png_set_write_fn(png, &sink, png_write_memory, png_flush_memory);
    // OpenCV's defaults: Z_BEST_SPEED with the RLE strategy and the SUB filter.
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, level == 1 ? 3 /* Z_RLE */ : 0);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, level == 1 ? PNG_FILTER_SUB : PNG_ALL_FILTERS);
    int color_type = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, depth, color_type,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (channels > 1) png_set_bgr(png);
    if (depth == 16) png_set_swap(png);
    size_t row_bytes = (size_t)width * channels * (depth / 8);
    rows = malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) rows[y] = (png_bytep)pixels + y * row_bytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    *out = sink.data;
    *out_length = sink.length;
    return 0;
}

// MARK: JPEG

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo) {
    jpeg_failure *f = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (f->message[0] == 0) snprintf(f->message, 256, "%s", text);
    longjmp(f->jump, 1);
}

// Warnings are silent, except a premature end of data: OpenCV decodes the rest as gray and
// returns the image; trick reports the file as truncated.
static void jpeg_warn(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        jpeg_failure *f = (jpeg_failure *)cinfo->err;
        snprintf(f->message, 256, "the file is truncated (the JPEG data ends early)");
        longjmp(f->jump, 1);
    }
}

int trick_jpeg_decode(const uint8_t *bytes, size_t length, int flag, size_t max_bytes, trick_image *out) {
    memset(out, 0, sizeof *out);
    struct jpeg_decompress_struct cinfo;
    jpeg_failure err;
    uint8_t *volatile data = NULL;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = jpeg_fail;
    err.base.emit_message = jpeg_warn;
    err.message = out->message;
    if (setjmp(err.jump)) {
        free(data);
        free(out->exif); out->exif = NULL; out->exif_length = 0;
        jpeg_destroy_decompress(&cinfo);
        if (out->message[0] == 0) snprintf(out->message, 256, "libjpeg could not decode the data");
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes, (unsigned long)length);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);   // Exif, for the orientation
    jpeg_read_header(&cinfo, TRUE);
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 && memcmp(m->data, "Exif\0\0", 6) == 0) {
            keep_exif(out, m->data + 6, m->data_length - 6);
            break;
        }
    }
    int source_channels = cinfo.num_components;
    if (source_channels == 4) {
        snprintf(out->message, 256, "CMYK / YCCK JPEG files are not supported");
        longjmp(err.jump, 1);
    }
    // readHeader: CV_8UC3 for colour sources, CV_8UC1 for gray; imread narrows by flag.
    int channels = flag == TRICK_IMREAD_UNCHANGED ? (source_channels > 1 ? 3 : 1) : (flag == TRICK_IMREAD_COLOR ? 3 : 1);
    if (check_size(cinfo.image_width, cinfo.image_height, channels, 1, max_bytes, out->message)) longjmp(err.jump, 1);
    cinfo.out_color_space = channels == 3 ? JCS_EXT_BGR : JCS_GRAYSCALE;
    cinfo.out_color_components = channels;
    jpeg_start_decompress(&cinfo);
    size_t row_bytes = (size_t)cinfo.output_width * channels;
    data = malloc(row_bytes * cinfo.output_height);
    if (!data) { snprintf(out->message, 256, "out of memory"); longjmp(err.jump, 1); }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = data + (size_t)cinfo.output_scanline * row_bytes;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    out->width = (int)cinfo.output_width; out->height = (int)cinfo.output_height;
    out->channels = channels; out->depth = 8;
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    out->data = data;
    return 0;
}

int trick_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                      uint8_t **out, size_t *out_length, char message[256]) {
    message[0] = 0;
    struct jpeg_compress_struct cinfo;
    jpeg_failure err;
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = jpeg_fail;
    err.base.emit_message = jpeg_warn;
    err.message = message;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        if (message[0] == 0) snprintf(message, 256, "libjpeg could not encode the image");
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 3 ? JCS_EXT_BGR : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_length = size;
    return 0;
}
