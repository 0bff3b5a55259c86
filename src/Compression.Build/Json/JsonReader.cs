using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Compression.Build.Json;

/// <summary>
/// A minimal JSON parser for the engine's response (see <see cref="JsonWriter"/> for why not System.Text.Json).
/// Objects become <see cref="Dictionary{TKey,TValue}"/> of string to value (ordinal keys), arrays
/// <see cref="List{T}"/>, numbers <see cref="double"/> or <see cref="long"/> when integral, strings, booleans and null.
/// Strict: anything that is not JSON is a <see cref="FormatException"/> with its offset.
/// </summary>
internal sealed class JsonReader
{
    // Deep enough for any response; bounded so a malformed file cannot overflow the stack of an MSBuild node.
    private const int MaxDepth = 64;

    private readonly string _text;
    private int _position;

    private JsonReader(string text) => _text = text;

    public static object? Parse(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        var reader = new JsonReader(text);
        // A UTF-8 BOM read as text arrives as U+FEFF; JSON allows a parser to ignore it.
        if (text.Length > 0 && text[0] == '\uFEFF') reader._position = 1;
        var value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._position != text.Length) throw reader.Error("unexpected text after the document");
        return value;
    }

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth) throw Error("nested too deeply");
        SkipWhitespace();
        if (_position >= _text.Length) throw Error("unexpected end of document");
        var c = _text[_position];
        switch (c)
        {
            case '{': return ReadObject(depth);
            case '[': return ReadArray(depth);
            case '"': return ReadString();
            case 't': Expect("true"); return true;
            case 'f': Expect("false"); return false;
            case 'n': Expect("null"); return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                throw Error($"unexpected character '{c}'");
        }
    }

    private Dictionary<string, object?> ReadObject(int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        _position++;
        SkipWhitespace();
        if (TryConsume('}')) return result;
        while (true)
        {
            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != '"') throw Error("expected a property name");
            var name = ReadString();
            SkipWhitespace();
            if (!TryConsume(':')) throw Error("expected ':'");
            // The last duplicate wins, as in System.Text.Json's JsonNode.
            result[name] = ReadValue(depth + 1);
            SkipWhitespace();
            if (TryConsume('}')) return result;
            if (!TryConsume(',')) throw Error("expected ',' or '}'");
        }
    }

    private List<object?> ReadArray(int depth)
    {
        var result = new List<object?>();
        _position++;
        SkipWhitespace();
        if (TryConsume(']')) return result;
        while (true)
        {
            result.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (TryConsume(']')) return result;
            if (!TryConsume(',')) throw Error("expected ',' or ']'");
        }
    }

    private string ReadString()
    {
        _position++; // the opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length) throw Error("unterminated string");
            var c = _text[_position++];
            if (c == '"') return builder.ToString();
            if (c < 0x20) throw Error("control character in a string");
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }
            if (_position >= _text.Length) throw Error("unterminated escape");
            var escape = _text[_position++];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("bad \\u escape");
                    }
                    builder.Append((char)code);
                    _position += 4;
                    break;
                default: throw Error($"unknown escape '\\{escape}'");
            }
        }
    }

    private object ReadNumber()
    {
        var start = _position;
        if (_text[_position] == '-') _position++;
        var integral = true;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c >= '0' && c <= '9') { _position++; continue; }
            if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') { integral = false; _position++; continue; }
            break;
        }
        var token = _text.Substring(start, _position - start);
        if (integral && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return real;
        _position = start;
        throw Error($"bad number '{token}'");
    }

    private void Expect(string literal)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0) throw Error($"expected '{literal}'");
        _position += literal.Length;
    }

    private bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }
        return false;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            _position++;
        }
    }

    private FormatException Error(string what) => new FormatException($"{what} at offset {_position}");
}
