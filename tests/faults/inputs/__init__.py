"""Tables of bad input for the fault suite. Every module in this folder with a function cases(tmp) is one table; the
runner (bad_inputs.collect) concatenates them in file-name order, so another area adds its bad inputs by adding a
file here. A row: (id, kind, target, args, expect[, options]); kind is module, role or lookup, expect the words
(the parameter) the failure must name, options a dict: reads=True when the case may read before it fails (a
JMESPath query applied to what was read), check=callable() -> problem or None, run after the case."""
