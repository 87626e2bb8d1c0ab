"""Serial barcode scanner: CR/LF line reader with debouncing, and its simulator."""

from .decoder import Debouncer, LineDecoder
from .reader import BarcodeScanner
from .sim import ScannerSimulator

__all__ = ["BarcodeScanner", "Debouncer", "LineDecoder", "ScannerSimulator"]
