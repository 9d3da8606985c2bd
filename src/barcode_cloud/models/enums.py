"""The enumerations of the Barcode Cloud v4 wire contract.

Each is a ``str`` enum: a member equals its wire value (``EncodeBarcodeType.CODE128 == "Code128"``),
formats as that value in f-strings and query strings, and lookup is case-insensitive
(``EncodeBarcodeType("qr") is EncodeBarcodeType.QR``). Member names are the upper-cased wire values,
as in ``aspose_barcode_cloud``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class WireEnum(StrEnum):
    """Base of every enum of the contract: case-insensitive lookup, XML element name."""

    __xml_name__: ClassVar[str]

    @classmethod
    def _missing_(cls, value: object) -> WireEnum | None:
        if isinstance(value, str):
            folded = value.casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return None


class BarcodeImageFormat(WireEnum):
    """Specifies the file format of the image."""

    PNG = "Png"
    JPEG = "Jpeg"
    SVG = "Svg"
    TIFF = "Tiff"
    GIF = "Gif"


class Code128EncodeMode(WireEnum):
    """Code128 barcode encode mode.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/code128encodemode/"""

    AUTO = "Auto"
    CODEA = "CodeA"
    CODEB = "CodeB"
    CODEAB = "CodeAB"
    CODEC = "CodeC"
    CODEAC = "CodeAC"
    CODEBC = "CodeBC"


class CodeLocation(WireEnum):
    """Where the human-readable text goes."""

    BELOW = "Below"
    ABOVE = "Above"
    NONE = "None"


class DecodeBarcodeType(WireEnum):
    """See https://reference.aspose.com/barcode/net/aspose.barcode.barcoderecognition/decodetype/"""

    MOSTCOMMONLYUSED = "MostCommonlyUsed"
    QR = "QR"
    AUSTRALIAPOST = "AustraliaPost"
    AUSTRALIANPOSTEPARCEL = "AustralianPosteParcel"
    AZTEC = "Aztec"
    CODABAR = "Codabar"
    CODABLOCKF = "CodablockF"
    CODE11 = "Code11"
    CODE128 = "Code128"
    CODE16K = "Code16K"
    CODE32 = "Code32"
    CODE39 = "Code39"
    CODE39FULLASCII = "Code39FullASCII"
    CODE93 = "Code93"
    COMPACTPDF417 = "CompactPdf417"
    DATALOGIC2OF5 = "DataLogic2of5"
    DATAMATRIX = "DataMatrix"
    DATABAREXPANDED = "DatabarExpanded"
    DATABAREXPANDEDSTACKED = "DatabarExpandedStacked"
    DATABARLIMITED = "DatabarLimited"
    DATABAROMNIDIRECTIONAL = "DatabarOmniDirectional"
    DATABARSTACKED = "DatabarStacked"
    DATABARSTACKEDOMNIDIRECTIONAL = "DatabarStackedOmniDirectional"
    DATABARTRUNCATED = "DatabarTruncated"
    DEUTSCHEPOSTIDENTCODE = "DeutschePostIdentcode"
    DEUTSCHEPOSTLEITCODE = "DeutschePostLeitcode"
    DOTCODE = "DotCode"
    DUTCHKIX = "DutchKIX"
    EAN13 = "EAN13"
    EAN14 = "EAN14"
    EAN8 = "EAN8"
    GS1AZTEC = "GS1Aztec"
    GS1CODE128 = "GS1Code128"
    GS1COMPOSITEBAR = "GS1CompositeBar"
    GS1DATAMATRIX = "GS1DataMatrix"
    GS1DOTCODE = "GS1DotCode"
    GS1HANXIN = "GS1HanXin"
    GS1MICROPDF417 = "GS1MicroPdf417"
    GS1QR = "GS1QR"
    HANXIN = "HanXin"
    HIBCAZTECLIC = "HIBCAztecLIC"
    HIBCAZTECPAS = "HIBCAztecPAS"
    HIBCCODE128LIC = "HIBCCode128LIC"
    HIBCCODE128PAS = "HIBCCode128PAS"
    HIBCCODE39LIC = "HIBCCode39LIC"
    HIBCCODE39PAS = "HIBCCode39PAS"
    HIBCDATAMATRIXLIC = "HIBCDataMatrixLIC"
    HIBCDATAMATRIXPAS = "HIBCDataMatrixPAS"
    HIBCQRLIC = "HIBCQRLIC"
    HIBCQRPAS = "HIBCQRPAS"
    IATA2OF5 = "IATA2of5"
    ISBN = "ISBN"
    ISMN = "ISMN"
    ISSN = "ISSN"
    ITF14 = "ITF14"
    ITF6 = "ITF6"
    INTERLEAVED2OF5 = "Interleaved2of5"
    ITALIANPOST25 = "ItalianPost25"
    MACROPDF417 = "MacroPdf417"
    MAILMARK = "Mailmark"
    MATRIX2OF5 = "Matrix2of5"
    MAXICODE = "MaxiCode"
    MICRE13B = "MicrE13B"
    MICROPDF417 = "MicroPdf417"
    MICROQR = "MicroQR"
    MSI = "MSI"
    ONECODE = "OneCode"
    OPC = "OPC"
    PATCHCODE = "PatchCode"
    PDF417 = "Pdf417"
    PHARMACODE = "Pharmacode"
    PLANET = "Planet"
    POSTNET = "Postnet"
    PZN = "PZN"
    RECTMICROQR = "RectMicroQR"
    RM4SCC = "RM4SCC"
    SCC14 = "SCC14"
    SSCC18 = "SSCC18"
    STANDARD2OF5 = "Standard2of5"
    SUPPLEMENT = "Supplement"
    SWISSPOSTPARCEL = "SwissPostParcel"
    UPCA = "UPCA"
    UPCE = "UPCE"
    VIN = "VIN"


class ECIEncodings(WireEnum):
    """ECI encoding identifiers.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/eciencodings/"""

    NONE = "NONE"
    ISO_8859_1 = "ISO_8859_1"
    ISO_8859_2 = "ISO_8859_2"
    ISO_8859_3 = "ISO_8859_3"
    ISO_8859_4 = "ISO_8859_4"
    ISO_8859_5 = "ISO_8859_5"
    ISO_8859_6 = "ISO_8859_6"
    ISO_8859_7 = "ISO_8859_7"
    ISO_8859_8 = "ISO_8859_8"
    ISO_8859_9 = "ISO_8859_9"
    ISO_8859_10 = "ISO_8859_10"
    ISO_8859_11 = "ISO_8859_11"
    ISO_8859_13 = "ISO_8859_13"
    ISO_8859_14 = "ISO_8859_14"
    ISO_8859_15 = "ISO_8859_15"
    ISO_8859_16 = "ISO_8859_16"
    SHIFT_JIS = "Shift_JIS"
    WIN1250 = "Win1250"
    WIN1251 = "Win1251"
    WIN1252 = "Win1252"
    WIN1256 = "Win1256"
    UTF16BE = "UTF16BE"
    UTF8 = "UTF8"
    US_ASCII = "US_ASCII"
    BIG5 = "Big5"
    GB2312 = "GB2312"
    EUC_KR = "EUC_KR"
    GBK = "GBK"
    GB18030 = "GB18030"
    UTF16LE = "UTF16LE"
    UTF32BE = "UTF32BE"
    UTF32LE = "UTF32LE"
    INVARIANT = "INVARIANT"
    BINARY = "BINARY"


class EncodeBarcodeType(WireEnum):
    """See https://reference.aspose.com/barcode/net/aspose.barcode.generation/encodetypes/"""

    QR = "QR"
    AUSTRALIAPOST = "AustraliaPost"
    AUSTRALIANPOSTEPARCEL = "AustralianPosteParcel"
    AZTEC = "Aztec"
    CODABAR = "Codabar"
    CODABLOCKF = "CodablockF"
    CODE11 = "Code11"
    CODE128 = "Code128"
    CODE16K = "Code16K"
    CODE32 = "Code32"
    CODE39 = "Code39"
    CODE39FULLASCII = "Code39FullASCII"
    CODE93 = "Code93"
    DATALOGIC2OF5 = "DataLogic2of5"
    DATAMATRIX = "DataMatrix"
    DATABAREXPANDED = "DatabarExpanded"
    DATABAREXPANDEDSTACKED = "DatabarExpandedStacked"
    DATABARLIMITED = "DatabarLimited"
    DATABAROMNIDIRECTIONAL = "DatabarOmniDirectional"
    DATABARSTACKED = "DatabarStacked"
    DATABARSTACKEDOMNIDIRECTIONAL = "DatabarStackedOmniDirectional"
    DATABARTRUNCATED = "DatabarTruncated"
    DEUTSCHEPOSTIDENTCODE = "DeutschePostIdentcode"
    DEUTSCHEPOSTLEITCODE = "DeutschePostLeitcode"
    DOTCODE = "DotCode"
    DUTCHKIX = "DutchKIX"
    EAN13 = "EAN13"
    EAN14 = "EAN14"
    EAN8 = "EAN8"
    GS1AZTEC = "GS1Aztec"
    GS1CODABLOCKF = "GS1CodablockF"
    GS1CODE128 = "GS1Code128"
    GS1DATAMATRIX = "GS1DataMatrix"
    GS1DOTCODE = "GS1DotCode"
    GS1HANXIN = "GS1HanXin"
    GS1MICROPDF417 = "GS1MicroPdf417"
    GS1QR = "GS1QR"
    HANXIN = "HanXin"
    IATA2OF5 = "IATA2of5"
    ISBN = "ISBN"
    ISMN = "ISMN"
    ISSN = "ISSN"
    ITF14 = "ITF14"
    ITF6 = "ITF6"
    INTERLEAVED2OF5 = "Interleaved2of5"
    ITALIANPOST25 = "ItalianPost25"
    MSI = "MSI"
    MACROPDF417 = "MacroPdf417"
    MAILMARK = "Mailmark"
    MATRIX2OF5 = "Matrix2of5"
    MAXICODE = "MaxiCode"
    MICROPDF417 = "MicroPdf417"
    MICROQR = "MicroQR"
    OPC = "OPC"
    ONECODE = "OneCode"
    PZN = "PZN"
    PATCHCODE = "PatchCode"
    PDF417 = "Pdf417"
    PHARMACODE = "Pharmacode"
    PLANET = "Planet"
    POSTNET = "Postnet"
    RM4SCC = "RM4SCC"
    RECTMICROQR = "RectMicroQR"
    SCC14 = "SCC14"
    SSCC18 = "SSCC18"
    SINGAPOREPOST = "SingaporePost"
    STANDARD2OF5 = "Standard2of5"
    SWISSPOSTPARCEL = "SwissPostParcel"
    UPCA = "UPCA"
    UPCE = "UPCE"
    UPCAGS1CODE128COUPON = "UpcaGs1Code128Coupon"
    UPCAGS1DATABARCOUPON = "UpcaGs1DatabarCoupon"
    VIN = "VIN"


class EncodeDataType(WireEnum):
    """Types of data that can be encoded into a barcode."""

    STRINGDATA = "StringData"
    BASE64BYTES = "Base64Bytes"
    HEXBYTES = "HexBytes"


class GraphicsUnit(WireEnum):
    """Subset of https://reference.aspose.com/drawing/net/system.drawing/graphicsunit/"""

    PIXEL = "Pixel"
    POINT = "Point"
    INCH = "Inch"
    MILLIMETER = "Millimeter"


class MacroCharacter(WireEnum):
    """PDF417 macro character mode.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/macrocharacter/"""

    NONE = "None"
    MACRO05 = "Macro05"
    MACRO06 = "Macro06"


class MicroQRVersion(WireEnum):
    """MicroQR barcode version.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/microqrversion/"""

    AUTO = "Auto"
    M1 = "M1"
    M2 = "M2"
    M3 = "M3"
    M4 = "M4"


class Pdf417EncodeMode(WireEnum):
    """PDF417 barcode encode mode.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/pdf417encodemode/"""

    AUTO = "Auto"
    BINARY = "Binary"
    ECI = "ECI"
    EXTENDED = "Extended"


class Pdf417ErrorLevel(WireEnum):
    """PDF417 barcode error correction level.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/pdf417errorlevel/"""

    LEVEL0 = "Level0"
    LEVEL1 = "Level1"
    LEVEL2 = "Level2"
    LEVEL3 = "Level3"
    LEVEL4 = "Level4"
    LEVEL5 = "Level5"
    LEVEL6 = "Level6"
    LEVEL7 = "Level7"
    LEVEL8 = "Level8"


class QREncodeMode(WireEnum):
    """QR barcode encode mode.

    Subset of https://reference.aspose.com/barcode/net/aspose.barcode.generation/qrencodemode/"""

    AUTO = "Auto"
    EXTENDED = "Extended"
    BINARY = "Binary"
    ECI = "ECI"


class QRErrorLevel(WireEnum):
    """QR barcode error correction level.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/qrerrorlevel/"""

    LEVELL = "LevelL"
    LEVELM = "LevelM"
    LEVELQ = "LevelQ"
    LEVELH = "LevelH"


class QRVersion(WireEnum):
    """QR barcode version.

    Subset of https://reference.aspose.com/barcode/net/aspose.barcode.generation/qrversion/"""

    AUTO = "Auto"
    VERSION01 = "Version01"
    VERSION02 = "Version02"
    VERSION03 = "Version03"
    VERSION04 = "Version04"
    VERSION05 = "Version05"
    VERSION06 = "Version06"
    VERSION07 = "Version07"
    VERSION08 = "Version08"
    VERSION09 = "Version09"
    VERSION10 = "Version10"
    VERSION11 = "Version11"
    VERSION12 = "Version12"
    VERSION13 = "Version13"
    VERSION14 = "Version14"
    VERSION15 = "Version15"
    VERSION16 = "Version16"
    VERSION17 = "Version17"
    VERSION18 = "Version18"
    VERSION19 = "Version19"
    VERSION20 = "Version20"
    VERSION21 = "Version21"
    VERSION22 = "Version22"
    VERSION23 = "Version23"
    VERSION24 = "Version24"
    VERSION25 = "Version25"
    VERSION26 = "Version26"
    VERSION27 = "Version27"
    VERSION28 = "Version28"
    VERSION29 = "Version29"
    VERSION30 = "Version30"
    VERSION31 = "Version31"
    VERSION32 = "Version32"
    VERSION33 = "Version33"
    VERSION34 = "Version34"
    VERSION35 = "Version35"
    VERSION36 = "Version36"
    VERSION37 = "Version37"
    VERSION38 = "Version38"
    VERSION39 = "Version39"
    VERSION40 = "Version40"


class RecognitionImageKind(WireEnum):
    """Kind of image to recognize"""

    PHOTO = "Photo"
    SCANNEDDOCUMENT = "ScannedDocument"
    CLEARIMAGE = "ClearImage"


class RecognitionMode(WireEnum):
    """Recognition mode."""

    FAST = "Fast"
    NORMAL = "Normal"
    EXCELLENT = "Excellent"


class RectMicroQRVersion(WireEnum):
    """RectMicroQR barcode version.

    Mirrors https://reference.aspose.com/barcode/net/aspose.barcode.generation/rectmicroqrversion/"""

    AUTO = "Auto"
    R7X43 = "R7x43"
    R7X59 = "R7x59"
    R7X77 = "R7x77"
    R7X99 = "R7x99"
    R7X139 = "R7x139"
    R9X43 = "R9x43"
    R9X59 = "R9x59"
    R9X77 = "R9x77"
    R9X99 = "R9x99"
    R9X139 = "R9x139"
    R11X27 = "R11x27"
    R11X43 = "R11x43"
    R11X59 = "R11x59"
    R11X77 = "R11x77"
    R11X99 = "R11x99"
    R11X139 = "R11x139"
    R13X27 = "R13x27"
    R13X43 = "R13x43"
    R13X59 = "R13x59"
    R13X77 = "R13x77"
    R13X99 = "R13x99"
    R13X139 = "R13x139"
    R15X43 = "R15x43"
    R15X59 = "R15x59"
    R15X77 = "R15x77"
    R15X99 = "R15x99"
    R15X139 = "R15x139"
    R17X43 = "R17x43"
    R17X59 = "R17x59"
    R17X77 = "R17x77"
    R17X99 = "R17x99"
    R17X139 = "R17x139"


_XML_NAMES = {
    BarcodeImageFormat: "ImageFormat",
    Code128EncodeMode: "Code128EncodeMode",
    CodeLocation: "TextLocation",
    DecodeBarcodeType: "DecodeBarcodeType",
    ECIEncodings: "ECIEncodings",
    EncodeBarcodeType: "BarcodeType",
    EncodeDataType: "DataType",
    GraphicsUnit: "Units",
    MacroCharacter: "MacroCharacter",
    MicroQRVersion: "MicroQRVersion",
    Pdf417EncodeMode: "Pdf417EncodeMode",
    Pdf417ErrorLevel: "Pdf417ErrorLevel",
    QREncodeMode: "QREncodeMode",
    QRErrorLevel: "QRErrorLevel",
    QRVersion: "QRVersion",
    RecognitionImageKind: "RecognitionImageKind",
    RecognitionMode: "RecognitionMode",
    RectMicroQRVersion: "RectMicroQRVersion",
}
for _enum, _name in _XML_NAMES.items():
    _enum.__xml_name__ = _name

__all__ = [
    "BarcodeImageFormat",
    "Code128EncodeMode",
    "CodeLocation",
    "DecodeBarcodeType",
    "ECIEncodings",
    "EncodeBarcodeType",
    "EncodeDataType",
    "GraphicsUnit",
    "MacroCharacter",
    "MicroQRVersion",
    "Pdf417EncodeMode",
    "Pdf417ErrorLevel",
    "QREncodeMode",
    "QRErrorLevel",
    "QRVersion",
    "RecognitionImageKind",
    "RecognitionMode",
    "RectMicroQRVersion",
    "WireEnum",
]
