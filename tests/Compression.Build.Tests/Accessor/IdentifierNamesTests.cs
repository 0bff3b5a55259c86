using Compression.Build.Accessor;

namespace Compression.Build.Tests.Accessor;

public class IdentifierNamesTests
{
    [Theory]
    [InlineData("hello_deepa", "HelloDeepa")]
    [InlineData("ch_PP-OCRv4_det_infer", "ChPPOCRv4DetInfer")]
    [InlineData("face_detection_front_128x128_barracuda", "FaceDetectionFront128x128Barracuda")]
    [InlineData("resnet 50.v2", "Resnet50V2")]
    [InlineData("2stage", "_2stage")]
    [InlineData("---", "Model")]
    [InlineData("profile", "ProfileModel")]
    [InlineData("compressed_models", "CompressedModelsModel")]
    [InlineData("modèle", "Modèle")]
    public void File_names_become_PascalCase_valid_unreserved_identifiers(string file, string expected) =>
        Assert.Equal(expected, IdentifierNames.FromFileName(file));

    [Theory]
    [InlineData("Face", true)]
    [InlineData("_x9", true)]
    [InlineData("9x", false)]
    [InlineData("a-b", false)]
    [InlineData("class", false)]
    [InlineData("OpenStream", false)]
    [InlineData("", false)]
    public void Validity_of_a_requested_name(string name, bool valid) => Assert.Equal(valid, IdentifierNames.IsValid(name));

    [Theory]
    [InlineData("My.App", "My.App")]
    [InlineData("My-App.2d", "My_App._2d")]
    [InlineData("", "")]
    [InlineData("Company.class", "Company.@class")]
    public void Namespaces_keep_their_dots_and_fix_each_part(string root, string expected) =>
        Assert.Equal(expected, IdentifierNames.Namespace(root));
}
