"""Answer features over a Library: extractive QA, generation, packs, links, similar, citations."""
