#include "parallax/app/studio/studio_info.h"

#include <QStringList>

#include "parallax/infer/default_model.h"
#include "parallax/infer/model_registry.h"

namespace parallax::studio {

QString StudioVersion() { return QStringLiteral(PARALLAX_VERSION); }

QString VersionLine() {
  return QStringLiteral("parallax-studio %1").arg(StudioVersion());
}

QString HomeIntroHtml() {
  return QStringLiteral(
      "<h2>Parallax Studio</h2>"
      "<p>Parallax learns depth from a single photograph. Open a photo and "
      "the studio estimates its depth map with a neural network (the shipped "
      "model or one of your own), then uses it to:</p><ul>"
      "<li><b>Refocus</b> after the fact: click what should be sharp; the "
      "rest blurs with its distance in depth (lens bokeh or "
      "MonoDepthDeFocus's graded blur).</li>"
      "<li><b>Convert to 3D</b>: a stereo pair as a red-cyan anaglyph, side "
      "by side or cross-eyed.</li>"
      "<li><b>Add fog</b> that thickens with distance.</li>"
      "<li><b>Save depth maps</b> as 16-bit PNG, PFM, EXR or colour "
      "previews.</li></ul>"
      "<p>Drop an image on the window, or use File &gt; Open "
      "(Ctrl+O).</p>");
}

QString HelpHtml() {
  QStringList folders;
  for (const auto& folder : BinaryModelFolders()) {
    folders << QString::fromStdString(folder.string()).toHtmlEscaped();
  }
  QStringList named;
  for (const auto& folder : ModelFolders()) {
    named << QString::fromStdString(folder.string()).toHtmlEscaped();
  }
  return QStringLiteral(
             "<h2>Help</h2>"
             "<h3>1. Open</h3><p>File &gt; Open, the toolbar, a recent file, "
             "drag and drop, or a path on the command line. PNG (8/16-bit), "
             "JPEG, WebP, BMP, TIFF, PFM, NPY, EXR and MPO (the left view) "
             "are read. A file that cannot be read leaves the current photo "
             "as it was and says why in the banner.</p>"
             "<h3>2. Depth</h3><p><b>Compute depth</b> runs the network in "
             "the background; <b>Cancel</b> stops it. Pick the model in the "
             "Model box: the shipped default, a recent one, or Browse for a "
             "<code>.plx</code> or a Depth Anything V2 <code>.pth</code>. "
             "<b>Load depth map</b> uses a disparity map file (PFM, NPY, EXR, "
             "PNG; larger = nearer) instead of the network. The view shows "
             "the image, the result, both side by side, or a wipe with a "
             "divider you drag.</p>"
             "<h3>3. Refocus</h3><p>Click the image: the depth under the "
             "click is put in focus (a marker shows it). Method: lens "
             "(physically based, aperture blades, highlights) or the graded "
             "gaussian/average/median/bilateral blur. Strength is the blur "
             "radius in pixels at the depth farthest from the focus.</p>"
             "<h3>4. 3D</h3><p>Divergence is the largest parallax in percent "
             "of the width; convergence puts the screen plane (0 = nearest, "
             "1 = farthest, auto = on the subject).</p>"
             "<h3>5. Fog</h3><p>Density, colour and where the fog starts "
             "(near) and, in linear mode, where it is complete (far); depth "
             "1 is the nearest content.</p>"
             "<h3>6. Save</h3><p>File &gt; Save writes the current step's "
             "result at full resolution; File &gt; Save depth map writes the "
             "depth (16-bit PNG, PFM, EXR, or a colour PNG with the chosen "
             "colour map). Files are written atomically; the input photo is "
             "never replaced without asking.</p>"
             "<h3>7. Batch</h3><p>File &gt; Batch runs depth, 3D, refocus or "
             "fog over many photos, folders or a video in the background, "
             "as the <code>parallax</code> command line does, listing each "
             "written, skipped and failed file; Cancel keeps the finished "
             "files.</p>"
             "<h3>Keyboard shortcuts</h3><table>"
             "<tr><td>Ctrl+O</td><td>Open image</td></tr>"
             "<tr><td>Ctrl+S</td><td>Save the current result</td></tr>"
             "<tr><td>Ctrl+Shift+S</td><td>Save depth map</td></tr>"
             "<tr><td>Ctrl+D</td><td>Compute depth</td></tr>"
             "<tr><td>Esc</td><td>Cancel depth</td></tr>"
             "<tr><td>Ctrl+B</td><td>Batch</td></tr>"
             "<tr><td>Ctrl++ / Ctrl+-</td><td>Zoom in / out</td></tr>"
             "<tr><td>Ctrl+0</td><td>Fit to window</td></tr>"
             "<tr><td>Ctrl+1</td><td>Actual pixels (1:1)</td></tr>"
             "<tr><td>1 / 2 / 3 / 4</td><td>View: image / result / side by "
             "side / wipe</td></tr>"
             "<tr><td>T</td><td>Toggle image and result</td></tr>"
             "<tr><td>F1</td><td>Help</td></tr></table>"
             "<h3>Where models are found</h3><p>The default model "
             "(<code>%1</code>) is looked for in this order: the file named "
             "by <code>$PARALLAX_MODEL</code>, then these folders:</p><ol>"
             "<li>%2</li></ol><p>Named models such as "
             "<code>depth-anything-v2-small</code> (installed by "
             "<code>parallax models fetch</code>) and the Model box's list "
             "come from these folders, in order ($PARALLAX_MODEL_DIR first "
             "when it is set):</p><ol><li>%3</li></ol>")
      .arg(QString::fromLatin1(kDefaultModelName),
           folders.join(QStringLiteral("</li><li>")),
           named.join(QStringLiteral("</li><li>")));
}

QString AboutHtml() {
  return QStringLiteral(
             "<h2>Parallax Studio %1</h2>"
             "<p>Depth from a single image, for refocus, 2D to 3D, fog and "
             "depth maps. Part of the Parallax C++ toolkit.</p>"
             "<h3>Credits</h3><p>Parallax joins four published systems:</p>"
             "<ul><li><b>Monodepth</b>: Godard, Mac Aodha and Brostow, "
             "<i>Unsupervised Monocular Depth Estimation with Left-Right "
             "Consistency</i>, CVPR 2017 (left-right consistent "
             "unsupervised training).</li>"
             "<li><b>3D_learner</b>: Thompson, 2020 (signed disparity for "
             "converging film rigs, optic-flow input).</li>"
             "<li><b>Deep3D</b>: Xie, Girshick and Farhadi, <i>Deep3D: Fully "
             "Automatic 2D-to-3D Video Conversion</i>, 2016 (a softmax over "
             "disparity planes).</li>"
             "<li><b>MonoDepthDeFocus</b>, 2021 (graded refocus around a "
             "clicked point).</li></ul>"
             "<p>Depth Anything V2 checkpoints keep their own licences: "
             "ViT-S Apache-2.0, ViT-B/L CC-BY-NC-4.0.</p>"
             "<p>Built with Qt %2, OpenCV and LibTorch.</p>")
      .arg(StudioVersion(), QString::fromLatin1(qVersion()));
}

}  // namespace parallax::studio
