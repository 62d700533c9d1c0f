"""Reading what people write: normalisation, multilingual patterns and a sentence encoder, shared
by the safety screen (and, later, the coaching checker and answer matching). Runs in the service
layer; the engine only receives the verdicts."""
