using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Compression.Build.Accessor;

/// <summary>
/// C# identifiers for the generated accessor: PascalCase from a file name (hello_deepa.onnx → HelloDeepa), always
/// valid (letters, digits, underscore; not starting with a digit; not a keyword), and never a name the generated
/// code already uses.
/// </summary>
internal static class IdentifierNames
{
    /// <summary>Names a nested class may not take: the enclosing class and the members of the nested class itself.</summary>
    private static readonly HashSet<string> Reserved = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "CompressedModels", "OpenStream", "ReadAllBytes", "Profile", "Recipe", "OriginalSize", "CompressedSize",
        "Sha256", "ResourceName", "IsEmbedded", "FileName", "IsPacked", "OpenPackedStream", "Decode",
    };

    private static readonly HashSet<string> Keywords = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof",
        "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint",
        "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>The PascalCase class name for a model file: word breaks at anything that is not a letter or digit.</summary>
    public static string FromFileName(string fileNameWithoutExtension)
    {
        var builder = new StringBuilder();
        var startOfWord = true;
        foreach (var c in fileNameWithoutExtension)
        {
            if (!IsIdentifierPart(c) || c == '_')
            {
                startOfWord = true;
                continue;
            }
            builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = false;
        }
        return MakeValid(builder.ToString(), "Model");
    }

    /// <summary>
    /// <paramref name="name"/> as a valid, unreserved identifier: invalid characters become '_', a leading digit gets
    /// a '_' in front, a keyword or reserved name gets <paramref name="suffix"/>.
    /// </summary>
    public static string MakeValid(string name, string suffix)
    {
        var builder = new StringBuilder();
        foreach (var c in name) builder.Append(IsIdentifierPart(c) ? c : '_');
        if (builder.Length == 0) return suffix;
        if (!IsIdentifierStart(builder[0])) builder.Insert(0, '_');
        var result = builder.ToString();
        if (Keywords.Contains(result) || Reserved.Contains(result)) result += suffix;
        return result;
    }

    /// <summary>A dotted namespace with each part made valid; empty stays empty (the class then has no namespace).</summary>
    public static string Namespace(string rootNamespace)
    {
        var parts = new List<string>();
        foreach (var part in rootNamespace.Split('.'))
        {
            if (part.Trim().Length == 0) continue;
            var valid = MakeValid(part.Trim(), "_");
            parts.Add(Keywords.Contains(part.Trim()) ? "@" + part.Trim() : valid);
        }
        return string.Join(".", parts);
    }

    public static bool IsValid(string name) => name.Length > 0 && MakeValid(name, "!") == name;

    private static bool IsIdentifierStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsIdentifierPart(char c)
    {
        if (c == '_' || char.IsLetterOrDigit(c)) return true;
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark
            || category == UnicodeCategory.ConnectorPunctuation;
    }
}
