using System.Globalization;

namespace Compression.Onnx.DataFiles;

/// <summary>
/// Parses the Python dictionary literal of a .npy header by hand. Only the subset NumPy writes is accepted — string
/// keys, a string, True/False and a tuple of non-negative integers — which is all a valid header can contain; anything
/// else is reported as a <see cref="FormatException"/> saying where it went wrong. Structured dtypes (a list as descr)
/// are well-formed but unsupported: <see cref="NotSupportedException"/>.
/// </summary>
internal sealed class NpyHeaderParser
{
    private readonly string _text;
    private int _pos;

    private NpyHeaderParser(string text) => _text = text;

    public static NpyHeader Parse(string text) => new NpyHeaderParser(text).ParseDictionary();

    private NpyHeader ParseDictionary()
    {
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        SkipSpace();
        Expect('{');
        while (true)
        {
            SkipSpace();
            if (TryTake('}')) break;
            var key = ParseString();
            SkipSpace();
            Expect(':');
            SkipSpace();
            switch (key)
            {
                case "descr" when descr is null:
                    if (Peek() == '[')
                        throw new NotSupportedException("structured dtypes (a list as 'descr') are not supported");
                    descr = ParseString();
                    break;
                case "fortran_order" when fortran is null:
                    fortran = ParseBool();
                    break;
                case "shape" when shape is null:
                    shape = ParseShape();
                    break;
                case "descr" or "fortran_order" or "shape":
                    throw Error($"key '{key}' appears twice");
                default:
                    throw Error($"unexpected key '{key}'");
            }
            SkipSpace();
            if (TryTake(',')) continue;
            Expect('}');
            break;
        }
        SkipSpace();
        if (_pos != _text.Length)
            throw Error("text after the closing brace");
        if (descr is null || fortran is null || shape is null)
            throw Error("'descr', 'fortran_order' and 'shape' are all required");
        return new NpyHeader(descr, fortran.Value, shape);
    }

    private string ParseString()
    {
        var quote = Peek();
        if (quote is not ('\'' or '"'))
            throw Error("expected a quoted string");
        _pos++;
        var end = _text.IndexOf(quote, _pos);
        if (end < 0)
            throw Error("unterminated string");
        var value = _text[_pos..end];
        if (value.Contains('\\'))
            throw Error("escape sequences do not occur in valid headers");
        _pos = end + 1;
        return value;
    }

    private bool ParseBool()
    {
        if (TryTakeWord("True")) return true;
        if (TryTakeWord("False")) return false;
        throw Error("expected True or False");
    }

    private long[] ParseShape()
    {
        Expect('(');
        var dims = new List<long>();
        while (true)
        {
            SkipSpace();
            if (TryTake(')')) break;
            dims.Add(ParseDimension());
            if (dims.Count > NpyFormat.MaxDimensions)
                throw Error($"more than {NpyFormat.MaxDimensions} dimensions");
            SkipSpace();
            if (TryTake(',')) continue;
            Expect(')');
            break;
        }
        return dims.ToArray();
    }

    private long ParseDimension()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (_pos == start)
            throw Error("expected a non-negative integer dimension");
        if (!long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Error("dimension too large");
        // Python 2 wrote long integers with an L suffix; such files still exist.
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l') _pos++;
        return value;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private bool TryTake(char c)
    {
        if (Peek() != c) return false;
        _pos++;
        return true;
    }

    private bool TryTakeWord(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0) return false;
        _pos += word.Length;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryTake(c))
            throw Error($"expected '{c}'");
    }

    private FormatException Error(string what) => new($"{what} at offset {_pos} of the header");
}
