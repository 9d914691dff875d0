"""OParl 1.0/1.1 council information: models, harvester, privacy filter and table mapping.

The kind module `pipelines/kinds/oparl.py` is the only caller from the build; everything here
works on its own (plain Python objects in, plain Python objects out) so that it can be tested
without the rest of the pipeline.
"""
