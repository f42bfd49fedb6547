"""The CJK font every PDF embeds: WenQuanYi Micro Hei (文泉驿微米黑, TrueType outlines, free licence).

Built-in CID fonts (STSong-Light) are not embedded — a reader without Adobe's Asian font pack shows boxes or a
substitute — and their Latin widths are the CJK font's, so "ABC-123" came out spaced wide. A TrueType font is
embedded as a subset of the glyphs used (`pdffonts` shows `emb yes, sub yes`) with its own proportional Latin.

The font file comes from the PyPI package `paperang-p2-fonts-cjk` (installed by `pip install -e .`, the same file
as Debian's fonts-wqy-microhei), so a fresh machine with only Python has it; Debian's copy is the fallback.
"""

from __future__ import annotations

from pathlib import Path

FONT = "WenQuanYiMicroHei"
_DEBIAN = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


class FontMissing(RuntimeError):
    pass


def font_path() -> Path:
    try:
        import paperang_p2_fonts_cjk

        packaged = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
        if packaged.is_file():
            return packaged
    except ImportError:
        pass
    if _DEBIAN.is_file():
        return _DEBIAN
    raise FontMissing(
        "The CJK font for PDFs is missing: run `make install` (PyPI package paperang-p2-fonts-cjk) "
        "or `apt-get install fonts-wqy-microhei`."
    )


def cjk_font() -> str:
    """Register the font with reportlab once and return its name for `setFont` / `fontName`."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        # Index 0 of the collection is the proportional face (1 is the monospaced one).
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
    return FONT
