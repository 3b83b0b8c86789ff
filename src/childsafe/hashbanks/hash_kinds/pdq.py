"""PDQ: Meta's perceptual hash, matched within a bank's Hamming distance (`pdq_index`)."""

from threatexchange.signal_type.pdq.signal import PdqSignal

from childsafe.hashbanks.hash_kinds.spec import HashKindSpec

SPEC = HashKindSpec("pdq", ("hash_pdq", "photo_pdq"), PdqSignal)
