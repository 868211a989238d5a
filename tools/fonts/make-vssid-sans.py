#!/usr/bin/python3
"""Builds the PDF font of Mẫu 01 from DejaVu Sans (Debian's fonts-dejavu-core).

Why: PDFsharp's own subsetting draws Vietnamese wrong ("Nguyễn" shows as "Nguyen") because DejaVu
builds letters like Ễ from nested composite glyphs, and embedding the whole face makes a 760 KB PDF.
So we subset ahead of time to the characters Vietnamese text needs, flatten every composite glyph
into a simple outline, drop hinting, and embed that small face whole. The Bitstream Vera licence asks
a modified font to carry another name: the result is "VssId Sans".

Usage: tools/fonts/make-vssid-sans.py   (needs Debian's python3-fonttools and fonts-dejavu-core)
Writes src/Modules/Notifications/Notifications/Documents/Fonts/VssIdSans{,-Bold}.ttf
"""
import os
from fontTools import subset
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

SOURCE = "/usr/share/fonts/truetype/dejavu"
TARGET = os.path.join(os.path.dirname(__file__), "../../src/Modules/Notifications/Notifications/Documents/Fonts")

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1: À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý à á â ã …
    (0x0100, 0x017F),  # Latin Extended-A: Ă ă Đ đ Ĩ ĩ Ũ ũ …
    (0x01A0, 0x01A1), (0x01AF, 0x01B0),  # Ơ ơ Ư ư
    (0x0300, 0x0303), (0x0309, 0x0309), (0x0323, 0x0323),  # combining marks (for safety with NFD input)
    (0x1EA0, 0x1EF9),  # Latin Extended Additional: ạ ả ấ … ỹ
    (0x2010, 0x2026),  # dashes, quotes, bullet, ellipsis
    (0x2610, 0x2612),  # ☐ ☑ ☒ (section III of Mẫu 01)
]


def build(source_name, target_name, style):
    font = TTFont(os.path.join(SOURCE, source_name))
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)

    # Flatten composites (nested ones are what PDFsharp draws wrong).
    glyph_set = font.getGlyphSet()
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        if glyf[name].isComposite():
            recording = DecomposingRecordingPen(glyph_set)
            glyph_set[name].draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(pen)
            glyf[name] = pen.glyph()
    font["maxp"].maxComponentElements = 0
    font["maxp"].maxComponentDepth = 0

    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = f"VssId Sans{'' if style == 'Regular' else ' ' + style}" if record.nameID == 4 else "VssId Sans"
        elif record.nameID == 3:
            record.string = f"VssIdSans-{style}-from-DejaVuSans-2.37"
        elif record.nameID == 6:
            record.string = f"VssIdSans-{style}"
    os.makedirs(TARGET, exist_ok=True)
    font.save(os.path.join(TARGET, target_name))


build("DejaVuSans.ttf", "VssIdSans.ttf", "Regular")
build("DejaVuSans-Bold.ttf", "VssIdSans-Bold.ttf", "Bold")
